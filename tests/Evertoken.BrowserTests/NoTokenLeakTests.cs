using System.Collections.Concurrent;
using Evertoken.Emulator;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class NoTokenLeakTests(DashboardFixture fixture)
{
    private static readonly string[] Pages = ["/", "/doctor/main", "/doctor/otherwaba", "/send?token=main", "/webhooks", "/keys", "/alerts", "/audit"];

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task No_token_value_reaches_a_page_a_script_a_response_a_cookie_or_storage()
    {
        var s = Server.Emulator.Sample;
        var bodies = new ConcurrentBag<(string Url, string Body)>();
        var reads = new ConcurrentBag<Task>();
        var page = await fixture.Browser.NewPageAsync();
        page.Response += (_, response) => reads.Add(ReadAsync(response, bodies));

        await DashboardFixture.SignInAsync(page, Server, DashboardServer.Password);
        await Expect(page).ToHaveURLAsync(Server.Url("/").ToString());

        // Put values through every path that handles one: a typed token, an imported .env, a rotation, a send.
        var typed = Server.Emulator.State.MintToken(new TokenSpec { AppId = s.AppId, Lifetime = TokenLifetime.SixtyDays });
        await page.FillAsync("#add-name", "leak-typed");
        await page.FillAsync("#add-token", typed.AccessToken);
        await page.FillAsync("#add-secret", s.AppSecret);
        await page.FillAsync("#add-app", s.AppId);
        await page.ClickAsync("#add button[type=submit]");
        await Expect(page.Locator("article[data-token='leak-typed']")).ToBeVisibleAsync();
        var pasted = Server.Emulator.State.MintToken(new TokenSpec { AppId = s.AppId });
        await page.FillAsync("#import-name", "leak-pasted");
        await page.FillAsync("#import-env", $"WHATSAPP_ACCESS_TOKEN={pasted.AccessToken}\nAPP_SECRET={s.AppSecret}\nAPP_ID={s.AppId}");
        await page.ClickAsync("#import button[type=submit]");
        await Expect(page.Locator("article[data-token='leak-pasted']")).ToBeVisibleAsync();
        await page.Locator("article[data-token='leak-typed']").GetByRole(AriaRole.Button, new() { Name = "Rotate now" }).ClickAsync();
        await Expect(page.Locator("article[data-token='leak-typed']").GetByTestId("card-notice")).ToContainTextAsync("Rotated.");
        await page.GotoAsync(Server.Url("/send?token=leak-typed").ToString());
        await page.FillAsync("#send-from", s.PhoneNumberId);
        await page.FillAsync("#send-to", "15551234567");
        await page.ClickAsync("form.grid-form button[type=submit]");
        await Expect(page.GetByTestId("answer")).ToBeVisibleAsync();

        var seen = new List<(string Where, string Text)>();
        foreach (var path in Pages)
        {
            await page.GotoAsync(Server.Url(path).ToString());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            seen.Add(($"html {path}", await page.ContentAsync()));
            seen.Add(($"inline scripts {path}", await page.EvaluateAsync<string>("() => [...document.scripts].map(s => s.text).join('\\n')")));
            seen.Add(($"localStorage {path}", await page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, localStorage))")));
            seen.Add(($"sessionStorage {path}", await page.EvaluateAsync<string>("() => JSON.stringify(Object.assign({}, sessionStorage))")));
        }

        await Task.WhenAll(reads);
        seen.AddRange(bodies.Select(b => ($"response {b.Url}", b.Body)));
        seen.AddRange((await page.Context.CookiesAsync()).Select(c => ($"cookie {c.Name}", c.Value)));
        bodies.ShouldContain(b => b.Url.Contains("/dashboard/dashboard.js", StringComparison.Ordinal), "the external script was read");

        var values = await Server.AllTokenValuesAsync();
        values.ShouldContain(typed.AccessToken);
        values.ShouldContain(pasted.AccessToken);
        values.Count.ShouldBeGreaterThan(9, "seeded, added, imported and rotated values");
        var secrets = values.Append(s.AppSecret).ToList();
        foreach (var (where, text) in seen)
        {
            foreach (var secret in secrets)
            {
                text.Contains(secret, StringComparison.Ordinal).ShouldBeFalse($"a secret ({Evertoken.Tokens.TokenFingerprint.Of(secret)}) is in the {where}");
            }
        }

        await page.Context.CloseAsync();
    }

    private static async Task ReadAsync(IResponse response, ConcurrentBag<(string, string)> bodies)
    {
        // The event stream never ends; its rows are webhook events, which the webhook test reads.
        if (response.Headers.TryGetValue("content-type", out var type) && type.StartsWith("text/event-stream", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            bodies.Add((response.Url, System.Text.Encoding.UTF8.GetString(await response.BodyAsync())));
        }
        catch (PlaywrightException)
        {
            // Redirects have no body.
        }
    }
}
