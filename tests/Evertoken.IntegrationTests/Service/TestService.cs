using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.Sinks;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Service;

/// <summary>
/// One test's world: the emulator (its clock is the service's clock), an alert receiver, and <c>evertoken serve</c>
/// (<see cref="ServerApp"/>) on loopback with a SQLite file in a temp folder. The background refresh worker is off; the
/// test drives a <see cref="RefreshWorker"/> of its own with <see cref="RunWorkerAsync"/> after moving the clock.
/// </summary>
internal sealed class TestService : IAsyncDisposable
{
    public const string AdminKey = "eta_servicetests_admin_key_0123456789abcdef";

    private readonly WebApplication _app;
    private readonly HttpClient _emulatorHttp;
    private readonly bool _ownsEmulator;

    private TestService(WebApplication app, EmulatorHost emulator, bool ownsEmulator, TempDirectory folder, AlertReceiver alerts, CapturingLoggerProvider logs, Uri baseAddress)
    {
        _app = app;
        Emulator = emulator;
        _ownsEmulator = ownsEmulator;
        Folder = folder;
        Alerts = alerts;
        Logs = logs;
        BaseAddress = baseAddress;
        Recorder = new RecordingHandler();
        Admin = new HttpClient(Recorder, disposeHandler: false) { BaseAddress = baseAddress };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Anonymous = new HttpClient(Recorder, disposeHandler: false) { BaseAddress = baseAddress };
        _emulatorHttp = new HttpClient { BaseAddress = emulator.BaseUrl };
        Worker = ActivatorUtilities.CreateInstance<RefreshWorker>(app.Services);
    }

    public EmulatorHost Emulator { get; }

    public EmulatorClock Clock => Emulator.Clock;

    public SampleWorld Sample => Emulator.Sample;

    public TempDirectory Folder { get; }

    public AlertReceiver Alerts { get; }

    public CapturingLoggerProvider Logs { get; }

    public RecordingHandler Recorder { get; }

    public Uri BaseAddress { get; }

    /// <summary>Calls the service with the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>Calls the service with no key.</summary>
    public HttpClient Anonymous { get; }

    public RefreshWorker Worker { get; }

    public IServiceProvider Services => _app.Services;

    public ITokenKeeper Keeper => Services.GetRequiredService<ITokenKeeper>();

    public ITokenStore Store => Services.GetRequiredService<ITokenStore>();

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<TestService> StartAsync(
        IReadOnlyDictionary<string, string?>? config = null,
        Action<IServiceCollection>? configureServices = null,
        EmulatorHost? emulator = null)
    {
        var ownsEmulator = emulator is null;
        emulator ??= await EmulatorHost.StartAsync(ct: Ct);
        var folder = new TempDirectory();
        var alerts = await AlertReceiver.StartAsync();
        var logs = new CapturingLoggerProvider();
        var settings = new Dictionary<string, string?>
        {
            ["DataFolder"] = folder.Path,
            ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Graph:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["Server:AdminApiKey"] = AdminKey,
            ["Server:RunRefreshWorker"] = "false",
            ["Alerts:WebhookUrl"] = alerts.Url.ToString(),
        };
        foreach (var (key, value) in config ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = ServerApp.Build(new ServerSettings
        {
            Urls = "http://127.0.0.1:0",
            Config = settings,
            Time = emulator.Clock,
            Announce = TextWriter.Null,
            LogLevel = LogLevel.Debug,
            LoggerProvider = logs,
            ConfigureServices = services =>
            {
                // Keep the test output readable: the capture provider sees everything; the console sees nothing.
                foreach (var console in services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType?.Name == "ConsoleLoggerProvider").ToList())
                {
                    services.Remove(console);
                }

                // Sink retries wait on the service clock (real time plus the emulator's offset): keep them short.
                services.Configure<SinkDispatcherOptions>(o =>
                {
                    o.MaxAttempts = 2;
                    o.InitialDelay = TimeSpan.FromMilliseconds(50);
                    o.Jitter = 0;
                });
                configureServices?.Invoke(services);
            },
        });
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new TestService(app, emulator, ownsEmulator, folder, alerts, logs, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Mints a system-user token at the emulator: never-expiring when <paramref name="lifetime"/> is null.</summary>
    public string MintSystemUserToken(TimeSpan? lifetime) => Emulator.State.MintToken(new TokenSpec
    {
        AppId = Sample.AppId,
        Kind = EmulatorTokenKind.SystemUser,
        Lifetime = lifetime is { } l ? TokenLifetime.FromSeconds((long)l.TotalSeconds) : TokenLifetime.Never,
        UserId = Sample.SystemUserId,
        Scopes = ["whatsapp_business_management", "whatsapp_business_messaging"],
    }).AccessToken;

    /// <summary>Adds a token through the API (with the sample app's id and secret) and returns the created view.</summary>
    public async Task<JsonObject> AddTokenAsync(string name, string value, bool withAppSecret = true)
    {
        using var response = await Admin.PostAsJsonAsync("v1/tokens", new
        {
            name,
            token = value,
            appId = Sample.AppId,
            appSecret = withAppSecret ? Sample.AppSecret : null,
            phoneNumberId = Sample.PhoneNumberId,
        }, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        ((int)response.StatusCode).ShouldBe(201, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonNode> GetJsonAsync(string path, HttpClient? client = null)
    {
        using var response = await (client ?? Admin).GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        response.IsSuccessStatusCode.ShouldBeTrue($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>One pass of the refresh worker, as the background loop would run it.</summary>
    public Task<int> RunWorkerAsync() => Worker.RunOnceAsync(Ct);

    /// <summary>What Meta (the emulator) says about a value: the <c>data</c> of debug_token asked with the app token.</summary>
    public async Task<JsonObject> DebugTokenAsync(string value)
    {
        var url = $"v25.0/debug_token?input_token={Uri.EscapeDataString(value)}&access_token={Uri.EscapeDataString($"{Sample.AppId}|{Sample.AppSecret}")}";
        var body = await _emulatorHttp.GetStringAsync(url, Ct);
        return JsonNode.Parse(body)!["data"]!.AsObject();
    }

    /// <summary>
    /// Graph calls the emulator received on a path (e.g. <c>/oauth/access_token</c>) after <paramref name="afterSeq"/>
    /// (a value of <see cref="MarkAsync"/>), up to now.
    /// </summary>
    public async Task<int> CallsToAsync(string path, long afterSeq = 0)
    {
        var upTo = await MarkAsync();
        return Emulator.Calls.Count(c => c.Path == path && c.Seq > afterSeq && c.Seq < upTo);
    }

    /// <summary>
    /// A point in the emulator's call log. The emulator records a call after answering it, so a sentinel call
    /// (<c>GET /me</c>) is made and its number returned once every call numbered before it is in the log.
    /// </summary>
    public async Task<long> MarkAsync()
    {
        using (await _emulatorHttp.GetAsync($"v25.0/me?access_token={Uri.EscapeDataString(Sample.SystemUserToken)}", Ct))
        {
        }

        long mark = 0;
        await Eventually.TrueAsync(() =>
        {
            var calls = Emulator.Calls;
            if (calls.LastOrDefault(c => c.Path == "/me") is not { } sentinel)
            {
                return false;
            }

            mark = sentinel.Seq;
            return calls.Count(c => c.Seq <= mark) == mark - calls[0].Seq + 1;
        }, "the emulator recorded every call");
        return mark;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        Recorder.Dispose();
        _emulatorHttp.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Alerts.DisposeAsync();
        if (_ownsEmulator)
        {
            await Emulator.DisposeAsync();
        }

        Folder.Dispose();
    }
}
