using System.Net;
using System.Text.Json.Nodes;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Emulator;

public class WhatsAppAccountTests
{
    private static string UnsupportedGet(string id) =>
        $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api";

    private static string Mint(TestEmulator e, params string[] scopes) => e.State.MintToken(new TokenSpec
    {
        AppId = e.Sample.AppId,
        Scopes = scopes,
        UserId = e.Sample.SystemUserId,
    }).AccessToken;

    [Fact]
    public async Task Phone_number_answers_with_the_default_fields()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);

        response.Status.ShouldBe(HttpStatusCode.OK);
        Fixture.Keys(response.Json).ShouldBe(["id", "display_phone_number", "verified_name", "quality_rating"]);
        response.Json["id"]!.GetValue<string>().ShouldBe(emulator.Sample.PhoneNumberId);
        response.Json["display_phone_number"]!.GetValue<string>().ShouldBe("+1 555-0100");
        response.Json["quality_rating"]!.GetValue<string>().ShouldBe("GREEN");
    }

    [Fact]
    public async Task Phone_number_fields_parameter_selects_fields_like_the_fixture()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync(
            $"v25.0/{emulator.Sample.PhoneNumberId}?fields=display_phone_number,verified_name,quality_rating,name_status,code_verification_status",
            bearer: emulator.Sample.SystemUserToken);

        response.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/response.get-phone-number.json"));
        response.Json["name_status"]!.GetValue<string>().ShouldBe("APPROVED");
        response.Json["code_verification_status"]!.GetValue<string>().ShouldBe("VERIFIED");
    }

    [Fact]
    public async Task Nested_throughput_field_is_an_object()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}?fields=throughput{{level}},platform_type", bearer: emulator.Sample.SystemUserToken);

        response.Json["throughput"]!["level"]!.GetValue<string>().ShouldBe("STANDARD");
        response.Json["platform_type"]!.GetValue<string>().ShouldBe("CLOUD_API");
    }

    [Fact]
    public async Task Unknown_field_is_error_100()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}?fields=colour", bearer: emulator.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, "(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)");
    }

    [Fact]
    public async Task Phone_number_outside_the_grant_looks_like_a_missing_object()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.OtherWabaToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, UnsupportedGet(emulator.Sample.PhoneNumberId), 33, "GraphMethodException");
    }

    [Fact]
    public async Task Unknown_id_looks_like_a_missing_object()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync("v25.0/123456789012345", bearer: emulator.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, UnsupportedGet("123456789012345"), 33, "GraphMethodException");
    }

    [Fact]
    public async Task Phone_number_needs_a_whatsapp_permission()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var noWhatsApp = Mint(emulator, "business_management");
        var messagingOnly = Mint(emulator, "whatsapp_business_messaging");

        var refused = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: noWhatsApp);
        var allowed = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: messagingOnly);
        var managementOnly = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.TokenWithoutMessaging);

        refused.ShouldBeGraphError(HttpStatusCode.Forbidden, 200, "(#200) Permissions error");
        allowed.Status.ShouldBe(HttpStatusCode.OK);
        managementOnly.Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Phone_number_ids_limit_which_numbers_a_token_reaches()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var second = emulator.State.AddPhoneNumber(emulator.Sample.WabaId, "+1 555-0101");
        var limited = emulator.State.MintToken(new TokenSpec
        {
            AppId = emulator.Sample.AppId,
            Scopes = ["whatsapp_business_management", "whatsapp_business_messaging"],
            PhoneNumberIds = [second.Id],
        }).AccessToken;

        (await emulator.GetAsync($"v25.0/{second.Id}", bearer: limited)).Status.ShouldBe(HttpStatusCode.OK);
        (await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: limited)).ShouldBeGraphError(HttpStatusCode.BadRequest, 100, subcode: 33, type: "GraphMethodException");
        var list = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: limited);
        list.Json["data"]!.AsArray().Select(n => n!["id"]!.GetValue<string>()).ShouldBe([second.Id]);
    }

    [Fact]
    public async Task Phone_numbers_list_matches_the_fixture_shape()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: emulator.Sample.SystemUserToken);

        response.Status.ShouldBe(HttpStatusCode.OK);
        var fixture = Fixture.Load("whatsapp/response.list-phone-numbers.json");
        response.Json["data"]!.ShouldHaveSameShape(fixture["data"]!);
        response.Json["paging"]!["cursors"]!["after"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        response.Json["data"]!.AsArray().Single()!["display_phone_number"]!.GetValue<string>().ShouldBe("+1 555-0100");
    }

    [Fact]
    public async Task Phone_numbers_page_with_limit_and_after()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var second = emulator.State.AddPhoneNumber(emulator.Sample.WabaId, "+1 555-0101");

        var first = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers?limit=1", bearer: emulator.Sample.SystemUserToken);
        var after = first.Json["paging"]!["cursors"]!["after"]!.GetValue<string>();
        var next = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers?limit=1&after={TestEmulator.Q(after)}", bearer: emulator.Sample.SystemUserToken);

        first.Json["data"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(emulator.Sample.PhoneNumberId);
        first.Json["paging"]!["next"].ShouldNotBeNull();
        next.Json["data"]!.AsArray().Single()!["id"]!.GetValue<string>().ShouldBe(second.Id);
        next.Json["paging"]!.AsObject().ContainsKey("next").ShouldBeFalse();
    }

    [Fact]
    public async Task Waba_endpoints_need_whatsapp_business_management()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var messagingOnly = Mint(emulator, "whatsapp_business_messaging");

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: messagingOnly);

        response.ShouldBeGraphError(HttpStatusCode.Forbidden, 200, "(#200) Permissions error");
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-200-not-authorized.json"));
    }

    [Fact]
    public async Task Waba_outside_the_grant_looks_like_a_missing_object()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var list = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: emulator.Sample.OtherWabaToken);
        var apps = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/subscribed_apps", bearer: emulator.Sample.OtherWabaToken);
        var reachable = await emulator.GetAsync($"v25.0/{emulator.Sample.OtherWabaId}/phone_numbers", bearer: emulator.Sample.OtherWabaToken);

        list.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, UnsupportedGet(emulator.Sample.WabaId), 33, "GraphMethodException");
        apps.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, subcode: 33, type: "GraphMethodException");
        reachable.Status.ShouldBe(HttpStatusCode.OK);
        reachable.Json["data"]!.AsArray().Count.ShouldBe(0);
    }

    [Fact]
    public async Task Subscribed_apps_list_subscribe_and_unsubscribe()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var path = $"v25.0/{emulator.Sample.WabaId}/subscribed_apps";

        var listed = await emulator.GetAsync(path, bearer: emulator.Sample.SystemUserToken);
        var deleted = await emulator.DeleteAsync(path, bearer: emulator.Sample.SystemUserToken);
        var empty = await emulator.GetAsync(path, bearer: emulator.Sample.SystemUserToken);
        var subscribed = await emulator.PostJsonAsync(path, new { override_callback_uri = "https://example.test/hook", verify_token = "vt" }, bearer: emulator.Sample.SystemUserToken);
        var again = await emulator.GetAsync(path, bearer: emulator.Sample.SystemUserToken);

        listed.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/response.get-subscribed-apps.json"));
        var app = listed.Json["data"]!.AsArray().Single()!["whatsapp_business_api_data"]!;
        app["id"]!.GetValue<string>().ShouldBe(emulator.Sample.AppId);
        app["name"]!.GetValue<string>().ShouldBe("Evertoken Sample App");
        app["link"]!.GetValue<string>().ShouldBe($"https://www.facebook.com/games/?app_id={emulator.Sample.AppId}");
        JsonNode.DeepEquals(deleted.Json, Fixture.Load("whatsapp/response.subscribe-app.json")).ShouldBeTrue();
        JsonNode.DeepEquals(empty.Json, JsonNode.Parse("""{"data":[]}""")).ShouldBeTrue();
        JsonNode.DeepEquals(subscribed.Json, Fixture.Load("whatsapp/response.subscribe-app.json")).ShouldBeTrue();
        again.Json["data"]!.AsArray().Single()!["override_callback_uri"]!.GetValue<string>().ShouldBe("https://example.test/hook");
        emulator.State.FindWaba(emulator.Sample.WabaId)!.Subscriptions.Single().VerifyToken.ShouldBe("vt");
    }

    [Fact]
    public async Task Expired_token_gets_the_190_envelope_on_account_endpoints()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Clock.Advance(TimeSpan.FromDays(61));

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: emulator.Sample.SystemUserToken60Days);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, subcode: 463);
    }

    [Fact]
    public async Task Missing_token_is_error_104()
    {
        await using var emulator = await TestEmulator.StartAsync();

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 104, "An access token is required to request this resource.");
    }
}
