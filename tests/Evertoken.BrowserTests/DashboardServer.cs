using System.Net;
using System.Security.Cryptography;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.BrowserTests;

/// <summary>
/// The emulator and an <c>evertoken serve</c> host on loopback, with a known admin password and three seeded tokens:
/// <c>main</c> (a 60-day system-user token with its app, so it rotates), <c>forever</c> (a never-expiring one) and
/// <c>otherwaba</c> (a token for another WhatsApp account than the phone number's, so the doctor passes, warns and fails).
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly string _folder;

    private DashboardServer(EmulatorHost emulator, WebApplication app, Uri baseUrl, string folder)
    {
        Emulator = emulator;
        App = app;
        BaseUrl = baseUrl;
        _folder = folder;
    }

    public EmulatorHost Emulator { get; }

    public WebApplication App { get; }

    /// <summary>The server's address, ending with a slash.</summary>
    public Uri BaseUrl { get; }

    public ITokenStore Store => App.Services.GetRequiredService<ITokenStore>();

    public IWebhookInbox Inbox => App.Services.GetRequiredService<IWebhookInbox>();

    /// <summary>Starts the emulator and the server; <paramref name="extra"/> adds or overrides configuration keys.</summary>
    public static async Task<DashboardServer> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var emulator = await EmulatorHost.StartAsync();
        var folder = Directory.CreateTempSubdirectory("evertoken-browser-").FullName;
        var s = emulator.Sample;
        var config = new Dictionary<string, string?>
        {
            ["DataFolder"] = folder,
            ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Graph:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["Server:AdminApiKey"] = "eta_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            ["Server:AdminPassword"] = Password,
            ["Server:RunRefreshWorker"] = "false",
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = s.SystemUserToken60Days,
            ["Tokens:0:AppId"] = s.AppId,
            ["Tokens:0:AppSecret"] = s.AppSecret,
            ["Tokens:0:PhoneNumberId"] = s.PhoneNumberId,
            ["Tokens:0:WabaId"] = s.WabaId,
            ["Tokens:1:Name"] = "forever",
            ["Tokens:1:Token"] = s.SystemUserToken,
            ["Tokens:1:AppId"] = s.AppId,
            ["Tokens:1:AppSecret"] = s.AppSecret,
            ["Tokens:1:PhoneNumberId"] = s.PhoneNumberId,
            ["Tokens:2:Name"] = "otherwaba",
            ["Tokens:2:Token"] = s.OtherWabaToken,
            ["Tokens:2:AppId"] = s.AppId,
            ["Tokens:2:PhoneNumberId"] = s.PhoneNumberId,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        var app = ServerApp.Build(new ServerSettings
        {
            Urls = "http://127.0.0.1:0",
            Time = emulator.Clock,
            Announce = TextWriter.Null,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            Config = config,
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(emulator, app, new Uri(address.TrimEnd('/') + "/"), folder);
    }

    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    /// <summary>Every token value this test run could have put in a page: the emulator's sample tokens and every
    /// version the server holds (seeded, added, imported and rotated).</summary>
    public async Task<IReadOnlyList<string>> AllTokenValuesAsync()
    {
        var s = Emulator.Sample;
        var values = new HashSet<string>(StringComparer.Ordinal)
        {
            s.SystemUserToken, s.SystemUserToken60Days, s.UserTokenShortLived, s.UserToken60Days, s.TokenWithoutMessaging, s.OtherWabaToken, s.AppToken,
        };
        foreach (var token in await Store.ListTokensAsync())
        {
            foreach (var version in await Store.GetHistoryAsync(token.Name))
            {
                values.Add(version.Data.Value);
            }
        }

        return values.ToList();
    }

    /// <summary>Stores a webhook fixture in the inbox as the receiver would (signature checked upstream) and waits
    /// (30 s at most) until its events are indexed.</summary>
    public async Task<WebhookAppendResult> PostWebhookFixtureAsync(string fixture, Func<string, string>? edit = null)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp", fixture));
        var body = System.Text.Encoding.UTF8.GetBytes(edit is null ? json : edit(json));
        WebhookEventExtractor.TryValidate(body, out var error).ShouldBeTrue(error);
        var appended = await Inbox.AppendAsync(body, Emulator.Clock.GetUtcNow());
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Inbox.WaitForIndexAsync(appended.PayloadId, deadline.Token);
        return appended;
    }

    /// <summary>An <see cref="HttpClient"/> on the server that keeps cookies and does not follow redirects.</summary>
    public HttpClient CreateClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseUrl };

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A SQLite file still closing; the temp folder is cleaned by the OS.
        }
    }
}
