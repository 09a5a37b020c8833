using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Evertoken.WhatsApp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class WebhookRelayPageTests(DashboardFixture fixture)
{
    // Secrets of the relay target: neither may reach the page (the URL's query, the signing secret).
    private const string UrlSecret = "url-query-secret-4f1c";
    private const string SigningSecret = "relay-signing-secret-9a2e";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_letter_shows_on_the_page_and_replay_delivers_it_once_the_receiver_works()
    {
        await using var receiver = await RelayReceiver.StartAsync();
        await using var server = await StartServerAsync(receiver);
        var relay = server.App.Services.GetRequiredService<WebhookRelay>();
        var body = await PostSignedWebhookAsync(server, "webhook.message.text-message.json");

        // The receiver answers 500: with a half-second horizon the relay gives up after a few quick retries.
        await UntilAsync(async () => (await relay.GetStatusAsync(Ct)).Targets.Single().Dead == 1, "the delivery was not dead-lettered");
        receiver.Refused.ShouldBeGreaterThan(1, "retried before giving up");
        receiver.Accepted.ShouldBeEmpty();

        var page = await fixture.SignedInPageAsync(server);
        await page.GotoAsync(server.Url("/webhooks").ToString());
        var target = page.GetByTestId("relay-targets").Locator("tr[data-target=app]");
        await Expect(target).ToContainTextAsync("Dead letters: 1");
        await Expect(target.Locator("td[data-label=Host]")).ToHaveTextAsync(receiver.HookUrl.Authority);
        await Expect(target).ToContainTextAsync("all numbers");
        await Expect(target.Locator("td[data-label='Last error']")).ToContainTextAsync("the receiver answered HTTP 500");
        await Expect(target.Locator("td[data-label=Delivered]")).ToHaveTextAsync("0");
        await Expect(target.Locator("td[data-label=Dead]")).ToHaveTextAsync("1");
        var deadLetter = page.GetByTestId("dead-letters").Locator("tbody tr");
        await Expect(deadLetter).ToHaveCountAsync(1);
        var payloadId = await deadLetter.GetAttributeAsync("data-payload");
        await Expect(page.GetByTestId("webhook-log").Locator("tbody tr[data-kind=Message] [data-relay-state]")).ToHaveTextAsync("Dead");
        await ScreenshotsAsync(server, page);
        await NoSecretOnPageAsync(page, server);

        // The app is fixed; Replay queues the payload again and the relay delivers it at once.
        receiver.Healthy = true;
        await deadLetter.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByTestId("relay-notice")).ToContainTextAsync("Queued again for 1 target");
        await UntilAsync(() => Task.FromResult(!receiver.Accepted.IsEmpty), "the replayed payload did not reach the receiver");
        var accepted = receiver.Accepted.Single();
        accepted.Body.ShouldBe(body, "the payload exactly as Meta sent it");
        accepted.PayloadId.ShouldBe(payloadId);
        await UntilAsync(async () => (await relay.GetStatusAsync(Ct)).Targets.Single().Delivered == 1, "the delivery was not recorded");

        await page.GetByTestId("relay-refresh").ClickAsync();
        await Expect(target).ToContainTextAsync("Healthy");
        await Expect(target.Locator("td[data-label=Delivered]")).ToHaveTextAsync("1");
        await Expect(target.Locator("td[data-label=Dead]")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("no-dead-letters")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("webhook-log").Locator("tbody tr[data-kind=Message] [data-relay-state]")).ToHaveTextAsync("Delivered");

        // The payload viewer replays too: the receiver gets it a second time (receivers deduplicate on the payload id).
        var row = page.GetByTestId("webhook-log").Locator("tbody tr[data-kind=Message]");
        await row.Locator("summary").ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotTests.RepositoryRoot(), "artifacts", "screenshots", "webhooks-relay-viewer-1280x800-full.png"), FullPage = true });
        await row.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByTestId("relay-notice")).ToContainTextAsync("Queued again for 1 target");
        await UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 2), "the second replay did not reach the receiver");
        receiver.Accepted.Last().PayloadId.ShouldBe(payloadId);

        // A payload that arrives while the page is open comes through the stream with its own Replay button.
        await Expect(page.GetByTestId("stream-state")).ToHaveTextAsync("live");
        await PostSignedWebhookAsync(server, "webhook.status.delivered-pmp-with-contacts.json");
        var streamed = page.GetByTestId("webhook-log").Locator("tbody tr.new[data-kind=Status]");
        await Expect(streamed.Locator("[data-relay-state]")).ToHaveTextAsync(new Regex("^(Pending|Delivered)$"));
        await UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 3), "the new payload was not relayed");
        await streamed.Locator("summary").ClickAsync();
        await streamed.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByTestId("relay-notice")).ToContainTextAsync("Queued again for 1 target");
        await UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 4), "the streamed row's replay did not reach the receiver");
        receiver.Accepted.Last().PayloadId.ShouldNotBe(payloadId);

        var audit = await server.Store.ListAuditAsync(50, null, Ct);
        audit.Count(a => a.Action == "webhook.replay").ShouldBe(3);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_replay_without_the_antiforgery_token_is_refused_and_with_it_goes_through()
    {
        await using var receiver = await RelayReceiver.StartAsync();
        await using var server = await StartServerAsync(receiver);
        receiver.Healthy = true;
        await PostSignedWebhookAsync(server, "webhook.status.delivered-pmp-with-contacts.json");
        await UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 1), "the payload was not relayed");

        var page = await fixture.SignedInPageAsync(server);
        var cookies = new CookieContainer();
        foreach (var cookie in await page.Context.CookiesAsync())
        {
            cookies.Add(server.BaseUrl, new System.Net.Cookie(cookie.Name, cookie.Value));
        }

        using var http = server.CreateClient(cookies);
        using var forged = await http.PostAsync("webhooks", Form(("_handler", "replay"), ("payload", "1")), Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Store.ListAuditAsync(50, null, Ct)).ShouldNotContain(a => a.Action == "webhook.replay");

        // The same post with the page's token goes through: the refusal above is the antiforgery check, nothing else.
        var html = await http.GetStringAsync("webhooks", Ct);
        var token = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var real = await http.PostAsync("webhooks", Form(("_handler", "replay"), ("__RequestVerificationToken", token), ("payload", "1")), Ct);
        real.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await real.Content.ReadAsStringAsync(Ct)).ShouldContain("Queued again for 1 target");
        await UntilAsync(() => Task.FromResult(receiver.Accepted.Count == 2), "the replay did not reach the receiver");
        await page.Context.CloseAsync();
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static Task<DashboardServer> StartServerAsync(RelayReceiver receiver) => DashboardServer.StartAsync(new Dictionary<string, string?>
    {
        ["Webhooks:Relay:0:Name"] = "app",
        ["Webhooks:Relay:0:Url"] = receiver.HookUrl + "?key=" + UrlSecret,
        ["Webhooks:Relay:0:Secret"] = SigningSecret,
        // Quick retries that give up after half a second (WebhookRelayOptions), so a dead letter comes fast.
        ["Webhooks:Retry:InitialDelay"] = "00:00:00.050",
        ["Webhooks:Retry:MaxDelay"] = "00:00:00.100",
        ["Webhooks:Retry:GiveUpAfter"] = "00:00:00.500",
        ["Webhooks:Retry:Jitter"] = "0",
        ["Webhooks:Retry:PollInterval"] = "00:00:00.050",
    });

    // As Meta does: the raw body signed with the app secret, to the receiver.
    private static async Task<byte[]> PostSignedWebhookAsync(DashboardServer server, string fixture)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "whatsapp", fixture), Ct);
        using var http = server.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "webhooks/whatsapp") { Content = content };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(body, server.Emulator.Sample.AppSecret));
        using var response = await http.SendAsync(request, Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        return body;
    }

    private static async Task ScreenshotsAsync(DashboardServer server, IPage desktop)
    {
        var folder = Path.Combine(ScreenshotTests.RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await desktop.ScreenshotAsync(new() { Path = Path.Combine(folder, "webhooks-relay-1280x800-full.png"), FullPage = true });
        var phone = await desktop.Context.NewPageAsync();
        await phone.SetViewportSizeAsync(390, 844);
        await phone.GotoAsync(server.Url("/webhooks").ToString());
        await Expect(phone.GetByTestId("dead-letters")).ToBeVisibleAsync();
        await phone.ScreenshotAsync(new() { Path = Path.Combine(folder, "webhooks-relay-390x844-full.png"), FullPage = true });
        var overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.ShouldBeLessThanOrEqualTo(0, "the webhooks page scrolls sideways at 390 px");
        await phone.CloseAsync();
    }

    private static async Task NoSecretOnPageAsync(IPage page, DashboardServer server)
    {
        var html = await page.ContentAsync();
        html.ShouldNotContain(UrlSecret);
        html.ShouldNotContain(SigningSecret);
        html.ShouldNotContain(server.Emulator.Sample.AppSecret);
        foreach (var token in await server.AllTokenValuesAsync())
        {
            html.Contains(token, StringComparison.Ordinal).ShouldBeFalse($"a token ({Evertoken.Tokens.TokenFingerprint.Of(token)}) is on the page");
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> done, string failure)
    {
        var watch = Stopwatch.StartNew();
        while (!await done())
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), failure);
            await Task.Delay(25, Ct);
        }
    }
}
