using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>
/// The emulator (with "Require App Secret" on for the sample app) and a real <c>evertoken serve</c> on loopback,
/// managing the sample 60-day system-user token as <see cref="TokenName"/>. Logs of the server are captured.
/// </summary>
internal sealed class ProxyTestHost : IAsyncDisposable
{
    public const string TokenName = "main";
    public const string AdminKey = "eta_proxy_tests_admin_key_0123456789abcdef";

    private readonly DirectoryInfo _dataFolder;

    private ProxyTestHost(EmulatorHost emulator, WebApplication app, Uri baseAddress, DirectoryInfo dataFolder, CapturingLoggerProvider logs)
    {
        Emulator = emulator;
        App = app;
        _dataFolder = dataFolder;
        Logs = logs;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public EmulatorHost Emulator { get; }

    public WebApplication App { get; }

    /// <summary>A client for the server (no default headers).</summary>
    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public SampleWorld Sample => Emulator.Sample;

    /// <summary>The token value the server started with.</summary>
    public string FirstToken => Sample.SystemUserToken60Days;

    public static async Task<ProxyTestHost> StartAsync(IDictionary<string, string?>? config = null, Action<IServiceCollection>? services = null)
    {
        var emulator = await EmulatorHost.StartAsync(ct: TestContext.Current.CancellationToken);
        emulator.State.FindApp(emulator.Sample.AppId)!.RequireAppSecretProof = true;
        var dataFolder = Directory.CreateTempSubdirectory("evertoken-proxy-");
        var settings = new Dictionary<string, string?>
        {
            ["DataFolder"] = dataFolder.FullName,
            ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Graph:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["Server:AdminApiKey"] = AdminKey,
            ["Server:AdminPassword"] = "proxy-tests-password",
            ["Server:RunRefreshWorker"] = "false",
            ["Tokens:0:Name"] = TokenName,
            ["Tokens:0:Token"] = emulator.Sample.SystemUserToken60Days,
            ["Tokens:0:AppId"] = emulator.Sample.AppId,
            ["Tokens:0:AppSecret"] = emulator.Sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = emulator.Sample.PhoneNumberId,
        };
        foreach (var (key, value) in config ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var app = ServerApp.Build(new ServerSettings
        {
            Urls = "http://127.0.0.1:0",
            Config = settings,
            Time = emulator.Clock,
            Announce = TextWriter.Null,
            LogLevel = LogLevel.Trace,
            LoggerProvider = logs,
            ConfigureServices = s =>
            {
                // Everything reaches the capture; the console (test output) only gets warnings.
                s.AddLogging(b => b.AddFilter<ConsoleLoggerProvider>(null, LogLevel.Warning));
                services?.Invoke(s);
            },
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ProxyTestHost(emulator, app, new Uri(address.TrimEnd('/') + "/"), dataFolder, logs);
    }

    /// <summary>Creates a client key through the admin API and returns its id and secret.</summary>
    public async Task<(string Id, string Key)> CreateKeyAsync(string[] scopes, string[] tokens)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/client-keys")
        {
            Content = JsonContent.Create(new { name = "proxy-test", scopes, tokens }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        return ((string)created["id"]!, (string)created["key"]!);
    }

    /// <summary>Revokes a client key through the admin API.</summary>
    public async Task RevokeKeyAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"v1/client-keys/{id}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends a call through the proxy with a client key (none when null).</summary>
    public async Task<HttpResponseMessage> ProxyAsync(HttpMethod method, string graphPath, string? key, HttpContent? content = null, string? tokenHeader = null)
    {
        using var request = new HttpRequestMessage(method, "graph/" + graphPath) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (tokenHeader is not null)
        {
            request.Headers.Add("X-Evertoken-Token", tokenHeader);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The recorded Graph calls to a path (without its version segment).</summary>
    public IReadOnlyList<RecordedCall> CallsTo(string path) => [.. Emulator.Calls.Where(c => c.Path == path)];

    /// <summary>
    /// The recorded calls to a path once there are at least <paramref name="count"/> (or after 10 seconds): the
    /// emulator records a call just after it has answered, so a caller can hold the answer a moment before the record.
    /// </summary>
    public async Task<IReadOnlyList<RecordedCall>> CallsToAsync(string path, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var calls = CallsTo(path);
            if (calls.Count >= count || waited.Elapsed > TimeSpan.FromSeconds(10))
            {
                return calls;
            }

            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>The token value the server holds now.</summary>
    public async Task<CurrentToken> CurrentTokenAsync() =>
        await App.Services.GetRequiredService<ITokenKeeper>().GetAsync(TokenName, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            _dataFolder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment on some systems; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>Keeps every log line (message, state values and exception) of the server.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
