using System.Net;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Emulator;

public class DebugTokenTests
{
    private static async Task<GraphResponse> DebugAsync(TestEmulator emulator, string input, string? caller = null) =>
        await emulator.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(input)}&access_token={TestEmulator.Q(caller ?? emulator.Sample.AppToken)}");

    [Fact]
    public async Task Never_expiring_system_user_token_matches_the_documented_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, emulator.Sample.SystemUserToken);

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-system-user-never.json"));
        var data = response.Data;
        data["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        data["app_id"]!.GetValue<string>().ShouldBe(emulator.Sample.AppId);
        data["application"]!.GetValue<string>().ShouldBe("Evertoken Sample App");
        data["expires_at"]!.GetValue<long>().ShouldBe(0);
        data["data_access_expires_at"]!.GetValue<long>().ShouldBe(0);
        data["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        data["user_id"]!.GetValue<string>().ShouldBe(emulator.Sample.SystemUserId);
        data["issued_at"]!.GetValue<long>().ShouldBeInRange(emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds() - 60, emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds());
        data["granular_scopes"]!.AsArray().ShouldAllBe(g => !g!.AsObject().ContainsKey("target_ids"));
    }

    [Fact]
    public async Task Sixty_day_system_user_token_expires_5184000_seconds_after_issue()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, emulator.Sample.SystemUserToken60Days);

        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-system-user-60d.CONSTRUCTED.json"));
        var data = response.Data;
        (data["expires_at"]!.GetValue<long>() - data["issued_at"]!.GetValue<long>()).ShouldBe(5_184_000);
        data["data_access_expires_at"]!.GetValue<long>().ShouldBe(0);
    }

    [Fact]
    public async Task Short_lived_user_token_has_no_issued_at()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, emulator.Sample.UserTokenShortLived);

        Fixture.Keys(response.Data).ShouldBe(Fixture.Keys(Fixture.Load("graph/debug_token-user-doc-example.json")["data"]!.AsObject()));
        var data = response.Data;
        data["type"]!.GetValue<string>().ShouldBe("USER");
        var now = emulator.Host.Clock.GetUtcNow().ToUnixTimeSeconds();
        data["expires_at"]!.GetValue<long>().ShouldBeInRange(now + 3600, now + 7200);
        data["data_access_expires_at"]!.GetValue<long>().ShouldBeGreaterThan(now + 80 * 86400);
    }

    [Fact]
    public async Task Long_lived_user_token_shows_issued_at()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var data = (await DebugAsync(emulator, emulator.Sample.UserToken60Days)).Data;

        Fixture.Keys(data).ShouldBe(Fixture.Keys(Fixture.Load("graph/debug_token-user-never-expires-granular.json")["data"]!.AsObject()));
        (data["expires_at"]!.GetValue<long>() - data["issued_at"]!.GetValue<long>()).ShouldBe(5_184_000);
    }

    [Fact]
    public async Task App_token_has_only_the_app_fields()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, emulator.Sample.AppToken);

        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-app.json"));
        response.Data["type"]!.GetValue<string>().ShouldBe("APP");
        response.Data["scopes"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task App_id_and_secret_work_as_input_and_as_caller()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var shortcut = $"{emulator.Sample.AppId}|{emulator.Sample.AppSecret}";

        var asInput = await DebugAsync(emulator, shortcut);
        var asCaller = await DebugAsync(emulator, emulator.Sample.SystemUserToken, caller: shortcut);

        asInput.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-app.json"));
        asInput.Data["is_valid"]!.GetValue<bool>().ShouldBeTrue();
        asCaller.Data["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
    }

    [Fact]
    public async Task Page_token_has_profile_id()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var page = await emulator.ControlAsync(HttpMethod.Post, "tokens", new
        {
            app_id = emulator.Sample.AppId,
            kind = "page",
            lifetime = "short",
            scopes = new[] { "pages_show_list", "public_profile" },
            profile_id = "103455271248220",
        });

        var data = (await DebugAsync(emulator, page["access_token"]!.GetValue<string>())).Data;

        Fixture.Keys(data).ShouldBe(Fixture.Keys(Fixture.Load("graph/debug_token-page.json")["data"]!.AsObject()));
        data["type"]!.GetValue<string>().ShouldBe("PAGE");
        data["profile_id"]!.GetValue<string>().ShouldBe("103455271248220");
    }

    [Fact]
    public async Task Granular_scopes_list_the_waba_targets_when_the_grant_is_limited()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var data = (await DebugAsync(emulator, emulator.Sample.OtherWabaToken)).Data;

        var whatsapp = data["granular_scopes"]!.AsArray().Single(g => g!["scope"]!.GetValue<string>() == "whatsapp_business_messaging")!;
        whatsapp["target_ids"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe([emulator.Sample.OtherWabaId]);
        var business = data["granular_scopes"]!.AsArray().Single(g => g!["scope"]!.GetValue<string>() == "business_management")!;
        business.AsObject().ContainsKey("target_ids").ShouldBeFalse();
    }

    [Fact]
    public async Task Expired_token_is_200_with_error_463_and_full_metadata()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ControlAsync(HttpMethod.Post, "tokens", new
        {
            app_id = emulator.Sample.AppId,
            kind = "user",
            lifetime = "60d",
            scopes = new[] { "email", "public_profile" },
        });
        emulator.Host.Clock.Advance(TimeSpan.FromDays(61));

        var response = await DebugAsync(emulator, token["access_token"]!.GetValue<string>());

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-user-expired-463.json"));
        var error = response.Data["error"]!;
        error["code"]!.GetValue<int>().ShouldBe(190);
        error["subcode"]!.GetValue<int>().ShouldBe(463);
        error["message"]!.GetValue<string>().ShouldStartWith("Error validating access token: Session has expired on ");
        response.Data["is_valid"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Password_change_invalidation_is_subcode_460()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = await emulator.ControlAsync(HttpMethod.Post, "tokens", new
        {
            app_id = emulator.Sample.AppId,
            kind = "user",
            lifetime = "short",
            scopes = new[] { "email", "instagram_basic", "public_profile" },
        });
        var value = token["access_token"]!.GetValue<string>();
        await emulator.ControlAsync(HttpMethod.Post, "tokens/invalidate", new { access_token = value, subcode = 460 });

        var response = await DebugAsync(emulator, value);

        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-user-invalidated-460.json"));
        response.Data["error"]!["subcode"]!.GetValue<int>().ShouldBe(460);
        response.Data["error"]!["message"]!.GetValue<string>().ShouldBe(
            "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.");
    }

    [Fact]
    public async Task Revoked_token_is_subcode_466_with_empty_scopes()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.State.Invalidate(emulator.Sample.UserToken60Days, 466);

        var response = await DebugAsync(emulator, emulator.Sample.UserToken60Days);

        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-user-invalidated-466.json"));
        response.Data["scopes"]!.AsArray().Count.ShouldBe(0);
        response.Data["error"]!["message"]!.GetValue<string>().ShouldBe("Error validating access token: The session was invalidated explicitly using an API call.");
    }

    [Theory]
    [InlineData("not-a-token", "graph/debug_token-invalid-cannot-parse.json")]
    [InlineData("EAAunknownTokenThatWasNeverMinted0123456789", "graph/debug_token-invalid-could-not-decrypt.json")]
    [InlineData("123|abc", "graph/debug_token-invalid-cannot-get-app-info.json")]
    public async Task Unusable_input_tokens_give_the_minimal_fixture_body(string input, string fixture)
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, input);

        response.Status.ShouldBe(HttpStatusCode.OK);
        JsonNode.DeepEquals(response.Json, Fixture.Load(fixture)).ShouldBeTrue(response.Json.ToJsonString());
    }

    [Fact]
    public async Task Wrong_app_secret_in_input_gives_the_signature_error()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, $"{emulator.Sample.AppId}|wrongsecret");

        JsonNode.DeepEquals(response.Json, Fixture.Load("graph/debug_token-invalid-signature.json")).ShouldBeTrue(response.Json.ToJsonString());
    }

    [Fact]
    public async Task Missing_caller_token_is_a_top_level_100()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(emulator.Sample.SystemUserToken)}");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100,
            "(#100) You must provide an app access token, or a user access token that is an owner or developer of the app");
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/debug_token-error-100-no-app-token.json"));
    }

    [Fact]
    public async Task Invalid_caller_token_is_a_top_level_190()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.State.Invalidate(emulator.Sample.UserToken60Days, 460);

        var response = await DebugAsync(emulator, emulator.Sample.SystemUserToken, caller: emulator.Sample.UserToken60Days);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, subcode: 460);
    }

    [Fact]
    public async Task A_valid_token_can_inspect_itself()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await DebugAsync(emulator, emulator.Sample.SystemUserToken, caller: emulator.Sample.SystemUserToken);

        response.Data["is_valid"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task A_token_of_another_app_cannot_inspect()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var other = emulator.State.CreateApp("Other");

        var response = await DebugAsync(emulator, emulator.Sample.SystemUserToken, caller: $"{other.Id}|{other.Secret}");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100);
    }

    [Fact]
    public async Task Minted_tokens_look_like_real_ones()
    {
        await using var emulator = await TestEmulator.StartAsync();

        emulator.Sample.SystemUserToken.ShouldStartWith("EAA");
        emulator.Sample.SystemUserToken.Length.ShouldBe(180);
        emulator.Sample.SystemUserToken.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c));
        emulator.Sample.AppToken.ShouldStartWith(emulator.Sample.AppId + "|");
        emulator.Sample.AppId.Length.ShouldBeInRange(15, 16);
        emulator.Sample.WabaId.Length.ShouldBeInRange(15, 16);
    }

    [Fact]
    public async Task Minting_in_process_returns_the_record()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var minted = emulator.State.MintToken(new TokenSpec
        {
            AppId = emulator.Sample.AppId,
            Kind = EmulatorTokenKind.User,
            Lifetime = TokenLifetime.FromSeconds(600),
            Scopes = ["public_profile"],
        });

        minted.Record.ExpiresAt.ShouldBe(minted.Record.IssuedAt.AddSeconds(600));
        minted.ToString().ShouldNotContain(minted.AccessToken);
        var data = (await DebugAsync(emulator, minted.AccessToken)).Data;
        (data["expires_at"]!.GetValue<long>() - data["issued_at"]!.GetValue<long>()).ShouldBe(600);
    }
}
