using System.Net;
using System.Text.Json.Nodes;

namespace Evertoken.IntegrationTests.Emulator;

public class ControlApiTests
{
    [Fact]
    public async Task Calls_are_listed_with_fingerprints_instead_of_tokens()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var token = emulator.Sample.SystemUserToken;
        await emulator.GetAsync($"v25.0/debug_token?input_token={TestEmulator.Q(token)}&access_token={TestEmulator.Q(emulator.Sample.AppToken)}");
        await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: token);
        await emulator.GetAsync("v25.0/me", bearer: "garbage");

        var all = (await emulator.ControlAsync(HttpMethod.Get, "calls")).AsArray();
        var text = all.ToJsonString();

        all.Count.ShouldBe(3);
        all.Select(c => c!["seq"]!.GetValue<long>()).ShouldBeInOrder();
        all[0]!["path"]!.GetValue<string>().ShouldBe("/debug_token");
        all[0]!["method"]!.GetValue<string>().ShouldBe("GET");
        all[0]!["status"]!.GetValue<int>().ShouldBe(200);
        all[0]!["query"]!["input_token"]!.GetValue<string>().ShouldStartWith("EAA");
        all[0]!["at"].ShouldNotBeNull();
        all[2]!["status"]!.GetValue<int>().ShouldBe(400);
        text.ShouldNotContain(token);
        text.ShouldNotContain(emulator.Sample.AppToken);
        emulator.Host.Calls.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Calls_filter_by_path_and_since_and_can_be_cleared()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.SystemUserToken);
        await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);
        await emulator.GetAsync("me", bearer: emulator.Sample.SystemUserToken);

        var me = (await emulator.ControlAsync(HttpMethod.Get, "calls?path=/v25.0/me")).AsArray();
        var since = (await emulator.ControlAsync(HttpMethod.Get, $"calls?since={me[0]!["seq"]!.GetValue<long>()}")).AsArray();
        await emulator.ControlAsync(HttpMethod.Delete, "calls");
        var cleared = (await emulator.ControlAsync(HttpMethod.Get, "calls")).AsArray();

        me.Count.ShouldBe(2);
        since.Count.ShouldBe(2);
        cleared.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Tests_can_build_their_own_world()
    {
        await using var emulator = await TestEmulator.StartAsync(new Evertoken.Emulator.EmulatorOptions { SeedSample = false });
        var app = await emulator.ControlAsync(HttpMethod.Post, "apps", new { name = "Mine" });
        var appId = app["id"]!.GetValue<string>();
        var business = await emulator.ControlAsync(HttpMethod.Post, "businesses", new { name = "Biz" });
        var user = await emulator.ControlAsync(HttpMethod.Post, "system_users", new { business_id = business["id"]!.GetValue<string>(), installed_app_ids = new[] { appId } });
        var waba = await emulator.ControlAsync(HttpMethod.Post, "wabas", new { business_id = business["id"]!.GetValue<string>(), subscribed_app_ids = new[] { appId } });
        var wabaId = waba["id"]!.GetValue<string>();
        var phone = await emulator.ControlAsync(HttpMethod.Post, "phone_numbers", new { waba_id = wabaId, display_phone_number = "+44 20 7946 0000", quality_rating = "YELLOW" });
        var token = await emulator.ControlAsync(HttpMethod.Post, "tokens", new
        {
            app_id = appId,
            kind = "system_user",
            lifetime = 86400,
            scopes = new[] { "whatsapp_business_management", "whatsapp_business_messaging" },
            waba_ids = new[] { wabaId },
            system_user_id = user["id"]!.GetValue<string>(),
        });

        var response = await emulator.GetAsync($"v25.0/{phone["id"]!.GetValue<string>()}", bearer: token["access_token"]!.GetValue<string>());

        app["secret"]!.GetValue<string>().Length.ShouldBe(32);
        token["type"]!.GetValue<string>().ShouldBe("SYSTEM_USER");
        (token["expires_at"]!.GetValue<long>() - token["issued_at"]!.GetValue<long>()).ShouldBe(86400);
        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json["quality_rating"]!.GetValue<string>().ShouldBe("YELLOW");
        response.Json["display_phone_number"]!.GetValue<string>().ShouldBe("+44 20 7946 0000");
        Should.Throw<InvalidOperationException>(() => emulator.Host.Sample);
    }

    [Fact]
    public async Task Sample_world_is_served_and_has_every_token_kind()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var sample = await emulator.ControlAsync(HttpMethod.Get, "sample");

        sample["app_name"]!.GetValue<string>().ShouldBe("Evertoken Sample App");
        sample["display_phone_number"]!.GetValue<string>().ShouldBe("+1 555-0100");
        foreach (var key in new[] { "system_user_token", "system_user_token60_days", "user_token_short_lived", "user_token60_days", "app_token", "token_without_messaging", "other_waba_token" })
        {
            sample[key].ShouldNotBeNull(key);
        }

        emulator.Sample.ToString().ShouldNotContain(emulator.Sample.SystemUserToken);
        emulator.Sample.Describe(emulator.Host.BaseUrl).ShouldContain(emulator.Sample.SystemUserToken);
    }

    [Fact]
    public async Task Settings_are_read_and_changed_through_the_control_api()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var before = await emulator.ControlAsync(HttpMethod.Get, "settings");
        var after = await emulator.ControlAsync(HttpMethod.Post, "settings", new { require_expiring_system_user_tokens = true, expiring_tokens_required_message = "(#100) expiring only" });

        before["require_expiring_system_user_tokens"]!.GetValue<bool>().ShouldBeFalse();
        before["token_error_http_status"]!.GetValue<int>().ShouldBe(400);
        after["require_expiring_system_user_tokens"]!.GetValue<bool>().ShouldBeTrue();
        emulator.State.Settings.ExpiringTokensRequiredMessage.ShouldBe("(#100) expiring only");
        emulator.State.Settings.OmitExpiresIn.ShouldBeFalse();
    }

    [Fact]
    public async Task Unknown_setting_and_unknown_app_are_refused()
    {
        await using var emulator = await TestEmulator.StartAsync();

        using var setting = await emulator.Http.PostAsync("_emulator/settings", new StringContent("""{"no_such_setting":1}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var token = await emulator.Http.PostAsync("_emulator/tokens", new StringContent("""{"app_id":"1"}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        using var invalidate = await emulator.Http.PostAsync("_emulator/tokens/invalidate", new StringContent("""{"access_token":"EAAnope","subcode":460}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        setting.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        token.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        invalidate.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Invalidate_through_the_control_api_changes_what_graph_says()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var result = await emulator.ControlAsync(HttpMethod.Post, "tokens/invalidate", new { access_token = emulator.Sample.SystemUserToken, subcode = 458 });
        var response = await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.SystemUserToken);

        JsonNode.DeepEquals(result, JsonNode.Parse("""{"success":true}""")).ShouldBeTrue();
        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190,
            $"Error validating access token: User {emulator.Sample.SystemUserId} has not authorized application {emulator.Sample.AppId}.", 458);
    }

    [Fact]
    public async Task Extra_graph_endpoints_get_recording_and_faults()
    {
        await using var emulator = await TestEmulator.StartAsync(new Evertoken.Emulator.EmulatorOptions
        {
            ConfigureGraph = graph => graph.MapGet("/{id}/ping", (http, state) => Task.FromResult(Microsoft.AspNetCore.Http.Results.Json(new { pong = true }))),
        });

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/ping");

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Headers.Contains("x-fb-trace-id").ShouldBeTrue();
        emulator.Host.Calls.Single().Path.ShouldBe($"/{emulator.Sample.WabaId}/ping");
    }
}
