using Evertoken.Emulator;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class TokensPageTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task A_card_shows_status_in_words_and_the_countdown_ticks()
    {
        var page = await fixture.SignedInPageAsync();
        var card = page.Locator("article[data-token=forever]");
        await Expect(card.GetByTestId("status")).ToContainTextAsync("Healthy");
        await Expect(card.GetByTestId("countdown")).ToHaveTextAsync("never");
        await Expect(card.GetByTestId("timeline")).ToBeVisibleAsync();

        var countdown = page.Locator("article[data-token=main]").GetByTestId("countdown");
        var first = await countdown.TextContentAsync();
        first.ShouldNotBeNull();
        first.ShouldMatch(@"^\d+d \d+h \d+m \d+s left$");
        await Expect(countdown).Not.ToHaveTextAsync(first);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Rotate_now_shows_the_new_version()
    {
        var page = await fixture.SignedInPageAsync();
        var before = (await Server.Store.GetTokenAsync("main", TestContext.Current.CancellationToken))!.Current.Number;
        var card = page.Locator("article[data-token=main]");
        await card.GetByRole(AriaRole.Button, new() { Name = "Rotate now" }).ClickAsync();

        card = page.Locator("article[data-token=main]");
        await Expect(card.GetByTestId("card-notice")).ToContainTextAsync($"Rotated. Now version {before + 1}");
        await Expect(card.GetByTestId("version")).ToHaveTextAsync($"version {before + 1}");
        (await Server.Store.GetTokenAsync("main", TestContext.Current.CancellationToken))!.Current.Number.ShouldBe(before + 1);
        await Expect(card.Locator("svg.timeline g.version")).ToHaveCountAsync((int)Math.Min(before + 1, 6));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Forms_post_through_Blazor_enhanced_navigation_without_reloading_the_page()
    {
        var page = await fixture.SignedInPageAsync();
        (await page.EvaluateAsync<bool>("() => typeof window.Blazor === 'object'")).ShouldBeTrue("blazor.web.js is served and loaded");
        await page.EvaluateAsync("() => { window.sameDocument = true; }");
        await page.Locator("article[data-token=forever]").GetByRole(AriaRole.Button, new() { Name = "Check now" }).ClickAsync();
        await Expect(page.Locator("article[data-token=forever]").GetByTestId("card-notice")).ToContainTextAsync("Checked.");
        (await page.EvaluateAsync<bool>("() => window.sameDocument === true")).ShouldBeTrue("the form was enhanced, not a full reload");

        // The countdown script keeps running on the patched page.
        var countdown = page.Locator("article[data-token=main]").GetByTestId("countdown");
        var text = await countdown.TextContentAsync();
        await Expect(countdown).Not.ToHaveTextAsync(text!);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Check_now_asks_Meta_and_says_what_it_answered()
    {
        var page = await fixture.SignedInPageAsync();
        var debugCalls = Server.Emulator.Calls.Count(c => c.Path.EndsWith("/debug_token", StringComparison.Ordinal));
        var card = page.Locator("article[data-token=forever]");
        await card.GetByRole(AriaRole.Button, new() { Name = "Check now" }).ClickAsync();
        await Expect(page.Locator("article[data-token=forever]").GetByTestId("card-notice")).ToContainTextAsync("Checked. Meta says the token is valid");
        Server.Emulator.Calls.Count(c => c.Path.EndsWith("/debug_token", StringComparison.Ordinal)).ShouldBeGreaterThan(debugCalls);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_token_added_through_the_form_shows_only_its_fingerprint()
    {
        var s = Server.Emulator.Sample;
        var minted = Server.Emulator.State.MintToken(new TokenSpec { AppId = s.AppId, Lifetime = TokenLifetime.SixtyDays, Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"] });
        var page = await fixture.SignedInPageAsync();
        await page.FillAsync("#add-name", "added-by-form");
        await page.FillAsync("#add-token", minted.AccessToken);
        await page.FillAsync("#add-phone", s.PhoneNumberId);
        await page.ClickAsync("#add button[type=submit]");

        var card = page.Locator("article[data-token='added-by-form']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.GetByTestId("status")).ToContainTextAsync("Healthy");
        var stored = (await Server.Store.GetTokenAsync("added-by-form", TestContext.Current.CancellationToken))!;
        stored.Current.Data.Value.ShouldBe(minted.AccessToken);
        await Expect(card).ToContainTextAsync(stored.Current.Data.Fingerprint);
        (await page.InputValueAsync("#add-token")).ShouldBeEmpty();
        (await page.ContentAsync()).ShouldNotContain(minted.AccessToken);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_token_imported_from_env_text_is_managed_and_a_bad_paste_is_refused()
    {
        var s = Server.Emulator.Sample;
        var minted = Server.Emulator.State.MintToken(new TokenSpec { AppId = s.AppId, Lifetime = TokenLifetime.SixtyDays, Scopes = ["whatsapp_business_messaging"] });
        var page = await fixture.SignedInPageAsync();
        await page.FillAsync("#import-name", "imported");
        await page.FillAsync("#import-env", "NODE_ENV=production\nPORT=3000\n");
        await page.ClickAsync("#import button[type=submit]");
        await Expect(page.GetByTestId("import-problems")).ToContainTextAsync("No WHATSAPP_ACCESS_TOKEN");

        await page.FillAsync("#import-name", "imported");
        await page.FillAsync("#import-env", $"# from the site\nWHATSAPP_ACCESS_TOKEN={minted.AccessToken}\nWHATSAPP_PHONE_NUMBER_ID={s.PhoneNumberId}\nAPP_ID={s.AppId}\n");
        await page.ClickAsync("#import button[type=submit]");
        await Expect(page.Locator("article[data-token=imported]")).ToBeVisibleAsync();
        (await page.InputValueAsync("#import-env")).ShouldBeEmpty();
        var stored = (await Server.Store.GetTokenAsync("imported", TestContext.Current.CancellationToken))!;
        stored.Current.Data.Value.ShouldBe(minted.AccessToken);
        stored.PhoneNumberId.ShouldBe(s.PhoneNumberId);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Delete_asks_for_confirmation_first()
    {
        var s = Server.Emulator.Sample;
        var minted = Server.Emulator.State.MintToken(new TokenSpec { AppId = s.AppId });
        var page = await fixture.SignedInPageAsync();
        await page.FillAsync("#add-name", "to-delete");
        await page.FillAsync("#add-token", minted.AccessToken);
        await page.ClickAsync("#add button[type=submit]");
        var card = page.Locator("article[data-token='to-delete']");
        await Expect(card).ToBeVisibleAsync();

        await card.GetByRole(AriaRole.Link, new() { Name = "Delete…" }).ClickAsync();
        await Expect(card.GetByRole(AriaRole.Alertdialog)).ToContainTextAsync("Delete “to-delete” and all its versions?");
        (await Server.Store.GetTokenAsync("to-delete", TestContext.Current.CancellationToken)).ShouldNotBeNull();

        await card.GetByRole(AriaRole.Button, new() { Name = "Yes, delete to-delete" }).ClickAsync();
        await Expect(page.GetByTestId("page-notice")).ToContainTextAsync("Deleted.");
        await Expect(page.Locator("article[data-token='to-delete']")).ToHaveCountAsync(0);
        (await Server.Store.GetTokenAsync("to-delete", TestContext.Current.CancellationToken)).ShouldBeNull();
        await page.Context.CloseAsync();
    }
}
