using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class WebhooksPageTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task The_log_filters_by_kind_shows_payloads_and_streams_new_events()
    {
        // REVIEW: posted straight into the inbox; switch to a signed POST /webhooks/whatsapp once the receiver is in.
        await Server.PostWebhookFixtureAsync("webhook.message.text-message.json");
        await Server.PostWebhookFixtureAsync("webhook.status.delivered-pmp-with-contacts.json");

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(Server.Url("/webhooks").ToString());
        var log = page.GetByTestId("webhook-log");
        await Expect(log.Locator("tbody tr[data-kind=Message]").First).ToBeVisibleAsync();
        await Expect(log.Locator("tbody tr[data-kind=Status]").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("relay")).ToContainTextAsync("No relay target configured");
        await Expect(page.GetByTestId("relay")).ToContainTextAsync("Webhooks:Relay:0:Url");
        await Expect(log.Locator("tbody tr[data-kind=Message] [data-relay-state]").First).ToHaveTextAsync("Not relayed");
        await Expect(log.Locator("tbody button", new() { HasText = "Replay" })).ToHaveCountAsync(0);

        await page.SelectOptionAsync("select[name=kind]", "Status");
        await page.ClickAsync("[data-testid=filters] button[type=submit]");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("kind=Status"));
        await Expect(log.Locator("tbody tr[data-kind=Status]").First).ToBeVisibleAsync();
        await Expect(log.Locator("tbody tr[data-kind=Message]")).ToHaveCountAsync(0);

        var first = log.Locator("tbody tr[data-kind=Status]").First;
        await first.Locator("summary").ClickAsync();
        await Expect(first.Locator("pre.payload")).ToContainTextAsync("\"status\": \"delivered\"");

        // While the page is open, a new status arrives through the event stream; a new message does not match the filter.
        await Expect(page.GetByTestId("stream-state")).ToHaveTextAsync("live");
        var statusesBefore = await log.Locator("tbody tr[data-kind=Status]").CountAsync();
        await Server.PostWebhookFixtureAsync("webhook.message.image-message.json");
        await Server.PostWebhookFixtureAsync("webhook.status.failed-131047.json");
        await Expect(log.Locator("tbody tr[data-kind=Status]")).ToHaveCountAsync(statusesBefore + 1);
        await Expect(log.Locator("tbody tr.new")).ToContainTextAsync("failed");
        await Expect(log.Locator("tbody tr.new [data-relay-state]")).ToHaveTextAsync("Not relayed");
        await Expect(log.Locator("tbody tr[data-kind=Message]")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
