using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Server.Hosting;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.WhatsApp;

/// <summary>
/// <c>evertoken serve</c> in-process on 127.0.0.1 with a free port, a temp data folder and a known admin key, for one
/// test. The refresh worker is off unless asked for.
/// </summary>
internal sealed class EvertokenTestServer : IAsyncDisposable
{
    public const string AdminKey = "eta_webhooks_tests_admin_key_0123456789abcdef";
    public const string AppSecret = "webhook-tests-app-secret-0123456789";
    public const string VerifyToken = "meatyhamhock";

    private EvertokenTestServer(WebApplication app, Uri baseAddress, string dataFolder)
    {
        App = app;
        BaseAddress = baseAddress;
        DataFolder = dataFolder;
        Admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        Anonymous = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public string DataFolder { get; }

    /// <summary>Sends the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>Sends no key (as Meta does).</summary>
    public HttpClient Anonymous { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<EvertokenTestServer> StartAsync(IDictionary<string, string?>? config = null, TimeProvider? time = null, string? dataFolder = null)
    {
        dataFolder ??= Path.Combine(Path.GetTempPath(), "evertoken-webhook-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataFolder);
        var settings = new Dictionary<string, string?>
        {
            ["DataFolder"] = dataFolder,
            ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Server:AdminApiKey"] = AdminKey,
            ["Server:RunRefreshWorker"] = "false",
            ["Webhooks:VerifyToken"] = VerifyToken,
            ["Webhooks:AppSecrets:0"] = AppSecret,
        };
        foreach (var (key, value) in config ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = ServerApp.Build(new ServerSettings
        {
            Urls = "http://127.0.0.1:0",
            Config = settings,
            Time = time,
            Announce = TextWriter.Null,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EvertokenTestServer(app, new Uri(address.TrimEnd('/') + "/"), dataFolder);
    }

    /// <summary>
    /// Posts a webhook body signed with <paramref name="secret"/> (none: unsigned). After a 200, waits (30 s at most)
    /// until the inbox has indexed what it stored, so the test can read the events: the 200 only promises the payload.
    /// </summary>
    public async Task<HttpResponseMessage> PostWebhookAsync(byte[] body, string? secret = AppSecret, string? signature = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if ((signature ?? (secret is null ? null : WebhookSignature.Sign(body, secret))) is { } header)
        {
            request.Headers.Add(WebhookSignature.HeaderName, header);
        }

        var response = await Anonymous.SendAsync(request, TestContext.Current.CancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.OK)
        {
            await WaitForIndexAsync();
        }

        return response;
    }

    /// <summary>Waits (30 s at most) until every payload stored so far is indexed.</summary>
    public async Task WaitForIndexAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await Services.GetRequiredService<IWebhookInbox>().WaitForIndexAsync(long.MaxValue, deadline.Token);
    }

    /// <summary>Every stored event (all pages), oldest first.</summary>
    public async Task<List<JsonObject>> AllEventsAsync(string filters = "")
    {
        var events = new List<JsonObject>();
        long after = 0;
        while (true)
        {
            var page = await GetJsonAsync($"v1/webhooks/events?after={after}&limit=1000{filters}");
            foreach (var item in page["events"]!.AsArray())
            {
                events.Add(item!.AsObject());
            }

            if (page["next_after"] is null)
            {
                return events;
            }

            after = page["next_after"]!.GetValue<long>();
        }
    }

    public async Task<JsonObject> GetJsonAsync(string path)
    {
        using var response = await Admin.GetAsync(path, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue($"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Creates a client key and returns its secret.</summary>
    public async Task<string> CreateClientKeyAsync(string[] scopes, string[] tokens)
    {
        using var response = await Admin.PostAsJsonAsync("v1/client-keys", new { name = "test-" + Guid.NewGuid().ToString("N")[..6], scopes, tokens }, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonNode.Parse(text)!["key"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }
}
