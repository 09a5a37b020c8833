using Microsoft.Playwright;

namespace Evertoken.BrowserTests;

/// <summary>One server and one browser for the whole collection; each test opens its own browser context.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public DashboardServer Server { get; private set; } = null!;

    public Browser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await DashboardServer.StartAsync();
        Browser = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        await Server.DisposeAsync();
    }

    /// <summary>A new page, signed in, on the tokens page.</summary>
    public async Task<IPage> SignedInPageAsync(DashboardServer? server = null, int width = 1280, int height = 800)
    {
        var page = await Browser.NewPageAsync(width, height);
        await SignInAsync(page, server ?? Server, DashboardServer.Password);
        await Assertions.Expect(page).ToHaveURLAsync((server ?? Server).Url("/").ToString());
        return page;
    }

    public static async Task SignInAsync(IPage page, DashboardServer server, string password)
    {
        await page.GotoAsync(server.Url("/login").ToString());
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
