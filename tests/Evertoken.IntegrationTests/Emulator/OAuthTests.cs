using System.Net;
using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Emulator;

public class OAuthTests
{
    private static string Exchange(TestEmulator e, string token, bool sixtyDays = false, string? secret = null) =>
        $"v25.0/oauth/access_token?grant_type=fb_exchange_token&client_id={e.Sample.AppId}&client_secret={secret ?? e.Sample.AppSecret}" +
        $"&fb_exchange_token={TestEmulator.Q(token)}" + (sixtyDays ? "&set_token_expires_in_60_days=true" : "");

    private static async Task<JsonObject> DebugDataAsync(TestEmulator e, string token) =>
        (await e.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(token)}&access_token={TestEmulator.Q(e.Sample.AppToken)}")).Data;

    [Fact]
    public async Task Short_lived_user_token_exchanges_for_a_new_60_day_token()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync(Exchange(emulator, emulator.Sample.UserTokenShortLived));

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/oauth-exchange-long-lived-user.json"));
        var token = response.Json["access_token"]!.GetValue<string>();
        token.ShouldNotBe(emulator.Sample.UserTokenShortLived);
        response.Json["token_type"]!.GetValue<string>().ShouldBe("bearer");
        response.Json["expires_in"]!.GetValue<long>().ShouldBeInRange(5_183_900, 5_184_000);
        var data = await DebugDataAsync(emulator, token);
        data["type"]!.GetValue<string>().ShouldBe("USER");
        data.ContainsKey("issued_at").ShouldBeTrue();
        data["user_id"]!.GetValue<string>().ShouldBe((await DebugDataAsync(emulator, emulator.Sample.UserTokenShortLived))["user_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Expires_in_can_be_left_out_by_a_setting()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "settings", new { omit_expires_in = true });

        var response = await emulator.GetAsync(Exchange(emulator, emulator.Sample.UserTokenShortLived));

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ContainsKey("expires_in").ShouldBeFalse();
        response.Json.ContainsKey("access_token").ShouldBeTrue();
    }

    [Fact]
    public async Task Sixty_day_system_user_token_refresh_gives_a_new_token_and_the_old_one_keeps_working()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var old = emulator.Sample.SystemUserToken60Days;
        var oldExpiry = (await DebugDataAsync(emulator, old))["expires_at"]!.GetValue<long>();
        emulator.Host.Clock.Advance(TimeSpan.FromDays(30));

        var response = await emulator.GetAsync(Exchange(emulator, old, sixtyDays: true));

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/oauth-refresh-system-user-60d.json"));
        var fresh = response.Json["access_token"]!.GetValue<string>();
        fresh.ShouldNotBe(old);
        var freshData = await DebugDataAsync(emulator, fresh);
        freshData["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        var now = emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds();
        freshData["expires_at"]!.GetValue<long>().ShouldBeInRange(now + 5_184_000 - 60, now + 5_184_000);
        var oldData = await DebugDataAsync(emulator, old);
        oldData["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        oldData["expires_at"]!.GetValue<long>().ShouldBe(oldExpiry);

        // The old token still dies at its own original expiry, the new one does not.
        emulator.Host.Clock.Advance(TimeSpan.FromDays(31));
        (await DebugDataAsync(emulator, old))["error"]!["subcode"]!.GetValue<int>().ShouldBe(463);
        (await DebugDataAsync(emulator, fresh))["is_valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Expired_token_cannot_be_exchanged()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Clock.Advance(TimeSpan.FromHours(3));

        var response = await emulator.GetAsync(Exchange(emulator, emulator.Sample.UserTokenShortLived));

        var error = response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, subcode: 463);
        error["message"]!.GetValue<string>().ShouldStartWith("Error validating access token: Session has expired on ");
    }

    [Fact]
    public async Task Client_credentials_gives_an_app_token_that_debug_token_accepts()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync(
            $"oauth/access_token?client_id={emulator.Sample.AppId}&client_secret={emulator.Sample.AppSecret}&grant_type=client_credentials");

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/oauth-client-credentials-app-token.json"));
        var token = response.Json["access_token"]!.GetValue<string>();
        token.ShouldStartWith(emulator.Sample.AppId + "|");
        var debug = await emulator.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(emulator.Sample.SystemUserToken)}&access_token={TestEmulator.Q(token)}");
        debug.Data["is_valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Wrong_client_secret_is_code_1()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync(Exchange(emulator, emulator.Sample.UserTokenShortLived, secret: "wrong"));

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 1, "Error validating client secret.");
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-1-invalid-client-secret.json"));
    }

    [Fact]
    public async Task Missing_client_id_is_code_101()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("v25.0/oauth/access_token?grant_type=client_credentials&client_secret=x");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 101, "Missing client_id parameter.");
    }

    [Fact]
    public async Task Unknown_client_id_is_code_101_invalid_client_id()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("v25.0/oauth/access_token?grant_type=client_credentials&client_id=999999999999999&client_secret=x");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 101, "Invalid Client ID");
    }

    [Fact]
    public async Task Embedded_signup_code_exchanges_once_for_a_business_token()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var code = (await emulator.ControlAsync(HttpMethod.Post, "codes", new { app_id = emulator.Sample.AppId, waba_ids = new[] { emulator.Sample.WabaId } }))["code"]!.GetValue<string>();
        var url = $"v21.0/oauth/access_token?client_id={emulator.Sample.AppId}&client_secret={emulator.Sample.AppSecret}&code={TestEmulator.Q(code)}";

        var first = await emulator.GetAsync(url);
        var second = await emulator.GetAsync(url);

        first.Status.ShouldBe(HttpStatusCode.OK);
        var data = await DebugDataAsync(emulator, first.Json["access_token"]!.GetValue<string>());
        data["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        data["expires_at"]!.GetValue<long>().ShouldBe(0);
        data["granular_scopes"]!.AsArray()[0]!["target_ids"]!.AsArray().Single()!.GetValue<string>().ShouldBe(emulator.Sample.WabaId);
        second.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, subcode: 36009);
    }

    [Fact]
    public async Task Unknown_code_is_invalid_verification_code_format()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v21.0/oauth/access_token?client_id={emulator.Sample.AppId}&client_secret={emulator.Sample.AppSecret}&code=nope");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "Invalid verification code format.");
    }

    [Fact]
    public async Task Revoke_invalidates_the_token_with_subcode_466_everywhere()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var target = emulator.Sample.SystemUserToken60Days;

        var response = await emulator.GetAsync(
            $"v25.0/oauth/revoke?client_id={emulator.Sample.AppId}&client_secret={emulator.Sample.AppSecret}" +
            $"&revoke_token={TestEmulator.Q(target)}&access_token={TestEmulator.Q(emulator.Sample.SystemUserToken)}");

        response.Status.ShouldBe(HttpStatusCode.OK);
        JsonNode.DeepEquals(response.Json, JsonNode.Parse("""{"success":true}""")).ShouldBeTrue();
        var data = await DebugDataAsync(emulator, target);
        data["is_valid"]!.GetValue<bool>().ShouldBeFalse();
        data["error"]!["subcode"]!.GetValue<int>().ShouldBe(466);
        var use = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: target);
        use.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, "Error validating access token: The session was invalidated explicitly using an API call.", 466);
        use.Headers.WwwAuthenticate.ToString().ShouldBe(
            "OAuth \"Facebook Platform\" \"invalid_token\" \"Error validating access token: The session was invalidated explicitly using an API call.\"");
    }

    [Fact]
    public async Task Revoke_with_a_wrong_secret_leaves_the_token_alone()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync(
            $"v25.0/oauth/revoke?client_id={emulator.Sample.AppId}&client_secret=wrong" +
            $"&revoke_token={TestEmulator.Q(emulator.Sample.SystemUserToken60Days)}&access_token={TestEmulator.Q(emulator.Sample.SystemUserToken)}");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 1);
        (await DebugDataAsync(emulator, emulator.Sample.SystemUserToken60Days))["is_valid"]!.GetValue<bool>().ShouldBeTrue();
    }
}
