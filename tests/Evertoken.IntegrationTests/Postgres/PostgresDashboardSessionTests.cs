using System.Net;
using System.Text.RegularExpressions;
using Evertoken.Emulator;
using Evertoken.Server.Dashboard;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// With a shared PostgreSQL store the dashboard's cookie keys live in the database: the admin signs in on one instance
/// and the next request, sent to another behind the same load balancer, is still signed in and passes the antiforgery
/// check. The keys are sealed with the master key in the table, and no instance writes them to its data folder.
/// </summary>
[Collection(nameof(PostgresScaleOut))]
public sealed partial class PostgresDashboardSessionTests : IAsyncLifetime
{
    private const string Password = "dashboard-pass-0123";
    private PostgresCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _cluster = await PostgresCluster.CreateAsync(TokenLifetime.SixtyDays, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_sign_in_on_one_instance_holds_on_another()
    {
        var extra = new Dictionary<string, string?> { ["Server:AdminPassword"] = Password };
        // Started together on an empty key ring: both may make a key, and each must still open the other's.
        var started = await Task.WhenAll(_cluster.StartInProcessAsync(Ct, extra), _cluster.StartInProcessAsync(Ct, extra));
        var (first, second) = (started[0], started[1]);

        // Cookies are matched by host, not port: both instances see the session cookie, as behind one load balancer.
        var cookies = new CookieContainer();
        using var onFirst = Client(first.BaseUrl, cookies);
        using var onSecond = Client(second.BaseUrl, cookies);
        // Both render a form at once on an empty ring (other visitors): each may make a key before it sees the other's.
        using (var visitor1 = Client(first.BaseUrl, new CookieContainer()))
        using (var visitor2 = Client(second.BaseUrl, new CookieContainer()))
        {
            await Task.WhenAll(visitor1.GetStringAsync("login", Ct), visitor2.GetStringAsync("login", Ct));
        }

        var login = await onFirst.GetStringAsync("login", Ct);
        var signIn = await onFirst.PostAsync("login", Form(("_handler", "login"), ("__RequestVerificationToken", TokenIn(login)), ("Input.Password", Password)), Ct);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        cookies.GetCookies(first.BaseUrl).Select(c => c.Name).ShouldContain("evertoken.session");

        var page = await onSecond.GetAsync("", Ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "the second instance did not accept the first one's session cookie");
        var html = await page.Content.ReadAsStringAsync(Ct);
        html.ShouldContain(PostgresCluster.TokenName);

        // A form rendered by the first instance posts to the second: the antiforgery token opens there too.
        var tokensPage = await onFirst.GetStringAsync("", Ct);
        var check = await onSecond.PostAsync("", Form(("_handler", "check:" + PostgresCluster.TokenName), ("__RequestVerificationToken", TokenIn(tokensPage))), Ct);
        check.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await check.Content.ReadAsStringAsync(Ct)).ShouldContain("Checked.");

        // One key ring, in the database, sealed; none in the instances' data folders.
        Convert.ToInt64(await _cluster.Database.ScalarAsync("SELECT COUNT(*) FROM dataprotection_keys", Ct)).ShouldBe(1L, "instances starting together made a key each");
        var sealedXml = (string)(await _cluster.Database.ScalarAsync("SELECT string_agg(xml, '') FROM dataprotection_keys", Ct))!;
        sealedXml.ShouldNotContain("<masterKey", customMessage: "a cookie key is stored in the clear");
        sealedXml.ShouldContain("encryptedSecret");
        foreach (var instance in _cluster.Instances)
        {
            Directory.Exists(Path.Combine(instance.DataFolder, DashboardExtensions.KeyRingFolder)).ShouldBeFalse();
        }
    }

    private static HttpClient Client(Uri baseUrl, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseUrl };

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static string TokenIn(string html) => VerificationToken().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex VerificationToken();
}
