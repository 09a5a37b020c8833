using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class DoctorPageTests(DashboardFixture fixture)
{
    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task The_doctor_lists_pass_warn_and_fail_rows_in_setup_order_with_fixes_and_links()
    {
        var page = await fixture.SignedInPageAsync();
        await page.Locator("article[data-token=otherwaba]").GetByRole(AriaRole.Link, new() { Name = "Doctor" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(Server.Url("/doctor/otherwaba").ToString());
        await Expect(page.GetByTestId("verdict")).ToContainTextAsync("needs attention");

        var rows = page.Locator("ol.checklist > li");
        var ids = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.check)");
        var diagnosis = await DiagnoseAsync("otherwaba");
        ids.ShouldBe(diagnosis.Checks.Select(c => c.Id).ToArray());

        foreach (var word in new[] { "PASS", "WARN", "FAIL" })
        {
            var row = page.Locator($"ol.checklist > li[data-outcome={word}]").First;
            await Expect(row.Locator(".outcome")).ToHaveTextAsync(word);
        }

        var failed = page.Locator("li[data-check='whatsapp.phone_number']");
        await Expect(failed).ToHaveAttributeAsync("data-outcome", "FAIL");
        await Expect(failed.Locator(".fix")).ToContainTextAsync("Fix:");
        foreach (var check in diagnosis.Checks.Where(c => c.Link is not null))
        {
            await Expect(page.Locator($"li[data-check='{check.Id}'] a.meta-link")).ToHaveAttributeAsync("href", check.Link!);
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_unknown_token_is_reported_as_not_found()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync(Server.Url("/doctor/nobody").ToString());
        await Expect(page.Locator(".notice")).ToContainTextAsync("No managed token named nobody");
        await page.Context.CloseAsync();
    }

    // The same diagnosis as GET /v1/tokens/{name}/diagnosis, to compare with what the page shows.
    private async Task<Diagnosis> DiagnoseAsync(string name)
    {
        var doctor = Server.App.Services.GetRequiredService<TokenDoctor>();
        return (await Evertoken.Server.Api.TokensApi.DiagnoseTokenAsync(name, Server.Store, doctor, CancellationToken.None))!;
    }
}
