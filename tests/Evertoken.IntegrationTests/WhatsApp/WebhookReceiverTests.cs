using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;

namespace Evertoken.IntegrationTests.WhatsApp;

public class WebhookReceiverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Every_signed_fixture_is_accepted_stored_and_listed_with_its_kinds_types_and_ids(string fixture)
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var body = WebhookFixtures.Bytes(fixture);

        using var response = await server.PostWebhookAsync(body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var expected = WebhookFixtures.ExpectedEvents(fixture);
        var events = await server.AllEventsAsync();
        events.Select(e => (
                e["event"]!["kind"]!.GetValue<string>(),
                (e["event"]!["message_type"] ?? e["event"]!["status"])?.GetValue<string>(),
                e["event"]!["wamid"]?.GetValue<string>()))
            .ShouldBe(expected);
        var payload = await server.GetJsonAsync($"v1/webhooks/payloads/{events[0]["payload_id"]}");
        payload["event_count"]!.GetValue<int>().ShouldBe(expected.Count);
        JsonNode.DeepEquals(payload["body"], WebhookFixtures.Node(fixture)).ShouldBeTrue();
    }

    public static TheoryData<string> Payloads() => WebhookFixtures.Payloads();

    [Fact]
    public async Task A_redelivery_is_acknowledged_but_stores_no_duplicate_event()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var body = WebhookFixtures.Bytes("webhook.status.read.json");

        (await server.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var stored = (await server.AllEventsAsync()).ShouldHaveSingleItem();
        stored["duplicate_count"]!.GetValue<int>().ShouldBe(2);
        var third = await server.GetJsonAsync("v1/webhooks/payloads/3");
        (third["new_event_count"]!.GetValue<int>(), third["duplicate_event_count"]!.GetValue<int>()).ShouldBe((0, 1));
    }

    [Fact]
    public async Task A_signature_from_an_app_in_the_store_is_accepted_too()
    {
        await using var server = await EvertokenTestServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:AppSecrets:0"] = null });
        var store = (Evertoken.Storage.ITokenStore)server.Services.GetService(typeof(Evertoken.Storage.ITokenStore))!;
        await store.UpsertAppAsync(new Evertoken.Storage.StoredApp("1234567890", "secret-of-a-stored-app"), Ct);
        var body = WebhookFixtures.Bytes("webhook.message.text-message.json");

        (await server.PostWebhookAsync(body, secret: "secret-of-a-stored-app")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.PostWebhookAsync(body, secret: "some-other-secret")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_truncated_oversized_and_non_json_posts_are_refused_and_nothing_is_stored()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var body = WebhookFixtures.Bytes("webhook.message.text-message.json");
        var truncated = body[..(body.Length / 2)];
        var oversized = Encoding.UTF8.GetBytes("{\"object\":\"whatsapp_business_account\",\"entry\":[],\"pad\":\"" + new string('x', 3 * 1024 * 1024) + "\"}");
        var notJson = Encoding.UTF8.GetBytes("hub.mode=subscribe&this=is-not-json");

        (await server.PostWebhookAsync(body, secret: null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.PostWebhookAsync(body, secret: "not-the-app-secret")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.PostWebhookAsync(body, signature: "sha256=zz")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await server.PostWebhookAsync(truncated)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.PostWebhookAsync(oversized)).StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await server.PostWebhookAsync(notJson)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // Signed and well-formed JSON, but not a webhook envelope.
        (await server.PostWebhookAsync(Encoding.UTF8.GetBytes("{\"hello\":\"world\"}"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var list = await server.GetJsonAsync("v1/webhooks/events");
        list["events"]!.AsArray().ShouldBeEmpty();
        list["last_id"].ShouldBeNull();
        using var firstPayload = await server.Admin.GetAsync("v1/webhooks/payloads/1", Ct);
        firstPayload.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_of_exactly_3_MB_is_accepted()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var prefix = """{"object":"whatsapp_business_account","entry":[],"pad":" """.TrimEnd();
        var suffix = "\"}";
        var body = Encoding.UTF8.GetBytes(prefix + new string('x', (3 * 1024 * 1024) - prefix.Length - suffix.Length) + suffix);
        body.Length.ShouldBe(3 * 1024 * 1024);

        (await server.PostWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_verification_handshake_echoes_the_challenge_as_text_only_with_the_right_token()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var request = WebhookFixtures.Node("webhook.verification-request.json");
        var query = request["query"]!.AsObject();
        string Url(string mode, string token, string challenge) =>
            $"webhooks/whatsapp?hub.mode={Uri.EscapeDataString(mode)}&hub.challenge={Uri.EscapeDataString(challenge)}&hub.verify_token={Uri.EscapeDataString(token)}";

        using var ok = await server.Anonymous.GetAsync(Url("subscribe", query["hub.verify_token"]!.GetValue<string>(), query["hub.challenge"]!.GetValue<string>()), Ct);
        using var wrongToken = await server.Anonymous.GetAsync(Url("subscribe", "not-it", "123"), Ct);
        using var wrongMode = await server.Anonymous.GetAsync(Url("unsubscribe", EvertokenTestServer.VerifyToken, "123"), Ct);

        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        ok.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await ok.Content.ReadAsStringAsync(Ct)).ShouldBe(request["expected_response"]!["body"]!.GetValue<string>());
        wrongToken.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        wrongMode.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Without_a_configured_verify_token_every_handshake_is_refused()
    {
        await using var server = await EvertokenTestServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:VerifyToken"] = null });

        using var response = await server.Anonymous.GetAsync("webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=", Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Events_can_be_filtered_and_paged_and_need_the_admin_key()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        foreach (var fixture in new[] { "webhook.message.text-message.json", "webhook.status.sent-cbp-with-conversation.json", "webhook.status.read.json", "webhook.message.location-message.json" })
        {
            (await server.PostWebhookAsync(WebhookFixtures.Bytes(fixture))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await server.GetJsonAsync("v1/webhooks/events?kind=status"))["events"]!.AsArray().Count.ShouldBe(2);
        (await server.GetJsonAsync("v1/webhooks/events?kind=message&type=location"))["events"]!.AsArray().ShouldHaveSingleItem();
        var wamid = "wamid.HBgLMTU1NTAwMDExMTEVAgARGBI3QTFGNTlGQjBCMjYxOUNGNTQA";
        (await server.GetJsonAsync($"v1/webhooks/events?wamid={Uri.EscapeDataString(wamid)}"))["events"]!.AsArray().Count.ShouldBe(2);
        (await server.GetJsonAsync("v1/webhooks/events?phone_number_id=999"))["events"]!.AsArray().ShouldBeEmpty();

        var first = await server.GetJsonAsync("v1/webhooks/events?limit=3");
        first["events"]!.AsArray().Count.ShouldBe(3);
        first["last_id"]!.GetValue<long>().ShouldBe(4);
        var rest = await server.GetJsonAsync($"v1/webhooks/events?limit=3&after={first["next_after"]}");
        rest["events"]!.AsArray().ShouldHaveSingleItem()!["id"]!.GetValue<long>().ShouldBe(4);
        rest["next_after"].ShouldBeNull();

        using var bad = await server.Admin.GetAsync("v1/webhooks/events?kind=nope&limit=0", Ct);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonNode.Parse(await bad.Content.ReadAsStringAsync(Ct))!;
        problem["errors"]!.AsObject().Select(p => p.Key).ShouldBe(["kind", "limit"], ignoreOrder: true);
        using var anonymous = await server.Anonymous.GetAsync("v1/webhooks/events", Ct);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var clientKey = await server.CreateClientKeyAsync(["send", "proxy"], ["*"]);
        using var keyed = new HttpRequestMessage(HttpMethod.Get, "v1/webhooks/events");
        keyed.Headers.Authorization = new("Bearer", clientKey);
        using var forbidden = await server.Anonymous.SendAsync(keyed, Ct);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_non_ascii_payload_signed_over_its_escaped_form_is_accepted()
    {
        await using var server = await EvertokenTestServer.StartAsync();
        var text = WebhookFixtures.Node("webhook.message.text-message.json");
        text["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["text"]!["body"] = "Olá, äöå 👋";
        var literal = Encoding.UTF8.GetBytes(text.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var signedOverEscaped = WebhookSignature.Sign(WebhookSignature.EscapeNonAscii(literal), EvertokenTestServer.AppSecret);

        (await server.PostWebhookAsync(literal, signature: signedOverEscaped)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
