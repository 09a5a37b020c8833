using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class LoginTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task Pages_redirect_to_login_and_a_wrong_password_is_refused()
    {
        var page = await fixture.Browser.NewPageAsync();
        await page.GotoAsync(Server.Url("/keys").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl=%2Fkeys$"));

        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("button[type=submit]");
        await Expect(page.GetByTestId("login-problem")).ToContainTextAsync("Wrong password");
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "evertoken.session");

        await page.FillAsync("#password", DashboardServer.Password);
        await page.ClickAsync("button[type=submit]");
        await Expect(page).ToHaveURLAsync(Server.Url("/keys").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Client keys");
        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "evertoken.session");
        session.HttpOnly.ShouldBeTrue();
        session.SameSite.ShouldBe(SameSiteAttribute.Strict);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Six_wrong_passwords_lock_the_address_even_for_the_right_password()
    {
        // Its own server: the lockout is per client address, and every test comes from 127.0.0.1.
        await using var server = await DashboardServer.StartAsync();
        var page = await fixture.Browser.NewPageAsync();
        for (var i = 1; i <= 5; i++)
        {
            await DashboardFixture.SignInAsync(page, server, $"wrong {i}");
            await Expect(page.GetByTestId("login-problem")).ToContainTextAsync(i < 5 ? "Wrong password" : "Locked.");
        }

        await DashboardFixture.SignInAsync(page, server, "wrong 6");
        await Expect(page.GetByTestId("login-problem")).ToContainTextAsync("Too many wrong passwords");

        await DashboardFixture.SignInAsync(page, server, DashboardServer.Password);
        await Expect(page.GetByTestId("login-problem")).ToContainTextAsync("Locked.");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));

        // Five minutes later (the server's clock is the emulator's) the right password works again.
        server.Emulator.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await DashboardFixture.SignInAsync(page, server, DashboardServer.Password);
        await Expect(page).ToHaveURLAsync(server.Url("/").ToString());

        var audit = await server.Store.ListAuditAsync(50, null, TestContext.Current.CancellationToken);
        audit.Count(a => a.Action == "login.failed").ShouldBe(5);
        audit.ShouldContain(a => a.Action == "login.locked_out");
        audit.ShouldContain(a => a.Action == "login.signed_in");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Logging_out_ends_the_session_and_pages_redirect_to_login_again()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Server.Url("/login").ToString());
        (await page.Context.CookiesAsync()).ShouldNotContain(c => c.Name == "evertoken.session");

        foreach (var path in new[] { "/", "/doctor/main", "/send", "/webhooks", "/keys", "/alerts", "/audit" })
        {
            await page.GotoAsync(Server.Url(path).ToString());
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login\\?ReturnUrl="));
        }

        await page.Context.CloseAsync();
    }
}
