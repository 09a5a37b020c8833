using System.Globalization;
using System.Net;

namespace Evertoken.IntegrationTests.Emulator;

public class AppSecretProofAndTransportTests
{
    private static async Task<TestEmulator> StartRequiringProofAsync()
    {
        var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, $"apps/{emulator.Sample.AppId}", new { require_appsecret_proof = true });
        return emulator;
    }

    [Fact]
    public async Task Require_app_secret_refuses_calls_without_proof()
    {
        await using var emulator = await StartRequiringProofAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "API calls from the server require an appsecret_proof argument", type: "GraphMethodException");
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-100-appsecret-proof-required.json"));
    }

    [Fact]
    public async Task Classic_proof_is_accepted()
    {
        await using var emulator = await StartRequiringProofAsync();
        var token = emulator.Sample.SystemUserToken;

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}?appsecret_proof={TestEmulator.Proof(emulator.Sample.AppSecret, token)}", bearer: token);

        response.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Time_stamped_proof_is_accepted_within_five_minutes_and_refused_after()
    {
        await using var emulator = await StartRequiringProofAsync();
        var token = emulator.Sample.SystemUserToken;
        var time = emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var proof = TestEmulator.Proof(emulator.Sample.AppSecret, token + "|" + time);
        var url = $"v25.0/{emulator.Sample.PhoneNumberId}?appsecret_proof={proof}&appsecret_time={time}";

        var fresh = await emulator.GetAsync(url, bearer: token);
        emulator.Host.Clock.Advance(TimeSpan.FromMinutes(6));
        var stale = await emulator.GetAsync(url, bearer: token);

        fresh.Status.ShouldBe(HttpStatusCode.OK);
        stale.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException");
    }

    [Fact]
    public async Task Classic_proof_does_not_pass_as_a_time_stamped_one()
    {
        await using var emulator = await StartRequiringProofAsync();
        var token = emulator.Sample.SystemUserToken;
        var time = emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var response = await emulator.GetAsync(
            $"v25.0/{emulator.Sample.PhoneNumberId}?appsecret_proof={TestEmulator.Proof(emulator.Sample.AppSecret, token)}&appsecret_time={time}", bearer: token);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException");
    }

    [Fact]
    public async Task A_wrong_proof_is_refused_even_when_the_app_does_not_require_one()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = emulator.Sample.SystemUserToken;

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}?appsecret_proof={TestEmulator.Proof("wrong", token)}", bearer: token);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException");
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-100-appsecret-proof-invalid.json"));
    }

    [Fact]
    public async Task App_tokens_need_no_proof_when_the_app_requires_one()
    {
        await using var emulator = await StartRequiringProofAsync();

        var response = await emulator.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(emulator.Sample.SystemUserToken)}&access_token={TestEmulator.Q(emulator.Sample.AppToken)}");

        response.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task Token_is_read_from_query_or_bearer_header(string transport)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = emulator.Sample.SystemUserToken;

        var response = transport == "query"
            ? await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}?access_token={TestEmulator.Q(token)}")
            : await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: token);

        response.Status.ShouldBe(HttpStatusCode.OK);
        emulator.Host.Calls.Single().TokenTransport.ShouldBe(transport);
    }

    [Fact]
    public async Task Token_is_read_from_a_form_body()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.WabaId}/subscribed_apps",
            new Dictionary<string, string> { ["access_token"] = emulator.Sample.SystemUserToken });

        response.Status.ShouldBe(HttpStatusCode.OK);
        emulator.Host.Calls.Single().TokenTransport.ShouldBe("form");
    }

    [Theory]
    [InlineData("v25.0/")]
    [InlineData("v19.0/")]
    [InlineData("v3.2/")]
    [InlineData("")]
    public async Task Any_version_segment_and_no_version_are_served(string prefix)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"{prefix}{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);

        response.Status.ShouldBe(HttpStatusCode.OK);
        emulator.Host.Calls.Single().Path.ShouldBe("/" + emulator.Sample.PhoneNumberId);
        emulator.Host.Calls.Single().Version.ShouldBe(prefix.Length == 0 ? null : prefix.TrimEnd('/'));
    }
}
