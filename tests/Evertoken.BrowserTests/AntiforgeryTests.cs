using System.Net;
using System.Text.RegularExpressions;

namespace Evertoken.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed partial class AntiforgeryTests(DashboardFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DashboardServer Server => fixture.Server;

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused_even_with_the_session_cookie()
    {
        var cookies = new CookieContainer();
        using var http = Server.CreateClient(cookies);
        var login = await http.GetStringAsync("login", Ct);
        var signIn = await http.PostAsync("login", Form(("_handler", "login"), ("__RequestVerificationToken", TokenIn(login)), ("Input.Password", DashboardServer.Password)), Ct);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        cookies.GetCookies(Server.BaseUrl).Select(c => c.Name).ShouldContain("evertoken.session");

        var version = (await Server.Store.GetTokenAsync("forever", Ct))!.Current.Number;
        var forged = await http.PostAsync("", Form(("_handler", "rotate:forever")), Ct);
        forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsync("logout", Form(), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await http.PostAsync("keys", Form(("_handler", "create-key"), ("Input.Name", "forged"), ("Input.Scopes", "read-token"), ("Input.Tokens", "*")), Ct)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // The same post with the page's token goes through: the refusal above is the antiforgery check, nothing else.
        var tokensPage = await http.GetStringAsync("", Ct);
        var real = await http.PostAsync("", Form(("_handler", "check:forever"), ("__RequestVerificationToken", TokenIn(tokensPage))), Ct);
        real.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await real.Content.ReadAsStringAsync(Ct)).ShouldContain("Checked.");
        (await Server.Store.GetTokenAsync("forever", Ct))!.Current.Number.ShouldBe(version);
        var keys = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Evertoken.Storage.IClientKeyStore>(Server.App.Services);
        (await keys.ListAsync(Ct)).ShouldNotContain(k => k.Name == "forged");
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static string TokenIn(string html) => VerificationToken().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();
}
