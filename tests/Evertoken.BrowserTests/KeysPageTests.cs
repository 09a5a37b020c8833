using System.Net.Http.Headers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class KeysPageTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task A_new_key_is_shown_once_works_and_stops_working_when_revoked()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(Server.Url("/keys").ToString());
        await page.FillAsync("#key-name", "browser-test-key");
        await page.CheckAsync("input[name='Input.Scopes'][value=read-token]");
        await page.FillAsync("#key-tokens", "forever");
        await page.ClickAsync("#create button[type=submit]");

        var key = await page.GetByTestId("new-key").InputValueAsync();
        key.ShouldStartWith("etk_");
        await Expect(page.GetByTestId("created-key")).ToContainTextAsync("Shown once.");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();

        using var http = Server.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        (await http.GetAsync("v1/tokens/forever/value", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);

        // Never again: a reload shows the list, not the key.
        await page.GotoAsync(Server.Url("/keys").ToString());
        (await page.ContentAsync()).ShouldNotContain(key);
        var row = page.Locator("tr", new() { HasText = "browser-test-key" });
        await Expect(row).ToContainTextAsync("Active");

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("keys-notice")).ToContainTextAsync("Revoked.");
        await Expect(page.Locator("tr", new() { HasText = "browser-test-key" })).ToContainTextAsync("Revoked");
        (await http.GetAsync("v1/tokens/forever/value", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Alerts_and_audit_pages_show_what_happened()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(Server.Url("/alerts").ToString());
        await Expect(page.GetByTestId("alert-setting")).ToContainTextAsync("Log only");
        await page.GotoAsync(Server.Url("/audit").ToString());
        await Expect(page.GetByTestId("audit")).ToContainTextAsync("login.signed_in");
        await page.Context.CloseAsync();
    }
}
