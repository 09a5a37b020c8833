using Microsoft.Playwright;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class ScreenshotTests(DashboardFixture fixture)
{
    private static readonly (string Name, string Path)[] Pages =
    [
        ("tokens", "/"), ("doctor", "/doctor/otherwaba"), ("send", "/send?token=main"), ("webhooks", "/webhooks"),
        ("keys", "/keys"), ("alerts", "/alerts"), ("audit", "/audit"),
    ];

    private DashboardServer Server => fixture.Server;

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Every_page_fits_the_screen_width_and_is_saved_as_a_screenshot(int width, int height)
    {
        await Server.PostWebhookFixtureAsync("webhook.message.text-message.json");
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        var page = await fixture.SignedInPageAsync(width: width, height: height);
        foreach (var (name, path) in Pages)
        {
            await page.GotoAsync(Server.Url(path).ToString());
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}x{height}.png") });
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}x{height}-full.png"), FullPage = true });
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            overflow.ShouldBeLessThanOrEqualTo(0, $"{path} scrolls sideways at {width} px");
        }

        await page.GotoAsync(Server.Url("/login").ToString());
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(Server.Url("/login").ToString());
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"login-{width}x{height}.png") });
        await page.Context.CloseAsync();
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Evertoken.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
