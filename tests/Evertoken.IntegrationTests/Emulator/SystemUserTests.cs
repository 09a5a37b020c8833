using System.Net;
using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Emulator;

public class SystemUserTests
{
    private static Dictionary<string, string> TokenForm(TestEmulator e, string caller, bool proof = true, bool sixtyDays = false, string? appId = null)
    {
        var form = new Dictionary<string, string>
        {
            ["business_app"] = appId ?? e.Sample.AppId,
            ["scope"] = "whatsapp_business_management,whatsapp_business_messaging",
            ["access_token"] = caller,
        };
        if (proof)
        {
            form["appsecret_proof"] = TestEmulator.Proof(e.Sample.AppSecret, caller);
        }

        if (sixtyDays)
        {
            form["set_token_expires_in_60_days"] = "true";
        }

        return form;
    }

    private static async Task<JsonObject> DebugDataAsync(TestEmulator e, string token) =>
        (await e.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(token)}&access_token={TestEmulator.Q(e.Sample.AppToken)}")).Data;

    [Fact]
    public async Task Creating_a_token_with_proof_gives_a_non_expiring_system_user_token()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken));

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/system-user-access-tokens-create.json"));
        var data = await DebugDataAsync(emulator, response.Json["access_token"]!.GetValue<string>());
        data["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        data["expires_at"]!.GetValue<long>().ShouldBe(0);
        data["user_id"]!.GetValue<string>().ShouldBe(emulator.Sample.SystemUserId);
        data["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["whatsapp_business_management", "whatsapp_business_messaging"]);
    }

    [Fact]
    public async Task Creating_a_60_day_token_sets_the_expiry()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken, sixtyDays: true));

        var data = await DebugDataAsync(emulator, response.Json["access_token"]!.GetValue<string>());
        (data["expires_at"]!.GetValue<long>() - data["issued_at"]!.GetValue<long>()).ShouldBe(5_184_000);
    }

    [Fact]
    public async Task Creating_a_token_without_proof_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken, proof: false));

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "API calls from the server require an appsecret_proof argument", type: "GraphMethodException");
    }

    [Fact]
    public async Task Creating_a_token_with_a_wrong_proof_is_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var form = TokenForm(emulator, emulator.Sample.SystemUserToken);
        form["appsecret_proof"] = TestEmulator.Proof("not-the-secret", emulator.Sample.SystemUserToken);

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", form);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "Invalid appsecret_proof provided in the API argument", type: "GraphMethodException");
    }

    [Fact]
    public async Task Expiring_mode_refuses_non_expiring_tokens_with_the_configured_error()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.State.Settings.RequireExpiringSystemUserTokens = true;

        var refused = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken));
        var accepted = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken, sixtyDays: true));

        refused.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, emulator.State.Settings.ExpiringTokensRequiredMessage);
        accepted.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task App_must_be_installed_before_a_token_can_be_created_and_installing_fixes_it()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var user = await emulator.ControlAsync(HttpMethod.Post, "system_users", new { business_id = emulator.Sample.BusinessId, name = "Deployer", role = "EMPLOYEE" });
        var userId = user["id"]!.GetValue<string>();
        var caller = emulator.Sample.SystemUserToken;

        var before = await emulator.PostFormAsync($"v25.0/{userId}/access_tokens", TokenForm(emulator, caller));
        var install = await emulator.PostFormAsync($"v25.0/{userId}/applications",
            new Dictionary<string, string> { ["business_app"] = emulator.Sample.AppId, ["access_token"] = caller });
        var after = await emulator.PostFormAsync($"v25.0/{userId}/access_tokens", TokenForm(emulator, caller));

        before.ShouldBeGraphError(HttpStatusCode.Forbidden, 200, "(#200) Permissions error");
        install.Status.ShouldBe(HttpStatusCode.OK);
        JsonNode.DeepEquals(install.Json, JsonNode.Parse("""{"success":true}""")).ShouldBeTrue();
        after.Status.ShouldBe(HttpStatusCode.OK);
        (await DebugDataAsync(emulator, after.Json["access_token"]!.GetValue<string>()))["user_id"]!.GetValue<string>().ShouldBe(userId);
    }

    [Fact]
    public async Task Unknown_system_user_is_an_unsupported_post_request()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.PostFormAsync("v25.0/111111111111111/access_tokens", TokenForm(emulator, emulator.Sample.SystemUserToken));

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100,
            "Unsupported post request. Object with ID '111111111111111' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api",
            subcode: 33, type: "GraphMethodException");
    }

    [Fact]
    public async Task Invalid_scope_is_error_3962()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var form = TokenForm(emulator, emulator.Sample.SystemUserToken);
        form["scope"] = "whatsapp_business_managment";

        var response = await emulator.PostFormAsync($"v25.0/{emulator.Sample.SystemUserId}/access_tokens", form);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 3962);
    }

    [Fact]
    public async Task System_users_are_listed_in_a_data_and_paging_envelope()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "system_users", new { business_id = emulator.Sample.BusinessId, name = "Second", role = "EMPLOYEE" });

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.BusinessId}/system_users?summary=total_count", bearer: emulator.Sample.SystemUserToken);

        response.Status.ShouldBe(HttpStatusCode.OK);
        var data = response.Json["data"]!.AsArray();
        data.Count.ShouldBe(2);
        Fixture.Keys(data[0]!.AsObject()).ShouldBe(["id", "name", "role"]);
        data[0]!["id"]!.GetValue<string>().ShouldBe(emulator.Sample.SystemUserId);
        data[0]!["role"]!.GetValue<string>().ShouldBe("ADMIN");
        data[1]!["role"]!.GetValue<string>().ShouldBe("EMPLOYEE");
        response.Json["paging"]!["cursors"]!["after"].ShouldNotBeNull();
        response.Json["summary"]!["total_count"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Me_returns_the_token_user()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var me = await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.SystemUserToken);
        var app = await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.AppToken);

        me.Status.ShouldBe(HttpStatusCode.OK);
        Fixture.Keys(me.Json).ShouldBe(["id", "name"]);
        me.Json["id"]!.GetValue<string>().ShouldBe(emulator.Sample.SystemUserId);
        me.Json["name"]!.GetValue<string>().ShouldBe("Evertoken Admin");
        app.ShouldBeGraphError(HttpStatusCode.BadRequest, 2500);
    }
}
