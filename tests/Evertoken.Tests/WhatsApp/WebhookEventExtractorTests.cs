using System.Text;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class WebhookEventExtractorTests
{
    private const string Waba1 = "419561257915477";
    private const string Waba2 = "102290129340398";
    private const string PhoneId = "106540352242922";
    private const string User = "15550001111";
    private const string SharedWamid = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
    private const string StatusWamid = "wamid.HBgLMTU1NTAwMDExMTEVAgARGBI3QTFGNTlGQjBCMjYxOUNGNTQA";

    /// <summary>What each webhook fixture must yield (one event each). Wamid null = none; Who = From for messages,
    /// RecipientId for statuses; Unix = the item's timestamp.</summary>
    internal sealed record Expected(WebhookEventKind Kind, string Field, string Waba, string? Type, string? Wamid, string? Status, string? Who, long? Unix, int? ErrorCode = null);

    private static readonly Dictionary<string, Expected> Table = new()
    {
        ["webhook.errors.value-level.json"] = new(WebhookEventKind.Error, "messages", Waba2, null, null, null, null, null, 130429),
        ["webhook.message.button-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "button", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUU0M0MxQzQzMUJCMTMwNUZFOQA=", null, User, 1750091045),
        ["webhook.message.contact-sharing-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "contacts", SharedWamid, null, User, 1744344496),
        ["webhook.message.group-create-message.json"] = new(WebhookEventKind.Other, "group_lifecycle_update", Waba2, null, null, null, null, null),
        ["webhook.message.group-remove-participants.json"] = new(WebhookEventKind.Other, "group_participants_update", Waba2, null, null, null, null, null),
        ["webhook.message.group-settings-update.json"] = new(WebhookEventKind.Other, "group_settings_update", Waba2, null, null, null, null, null),
        ["webhook.message.image-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "image", SharedWamid, null, User, 1744344496),
        ["webhook.message.interactive-button-reply-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "interactive", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTZBQzg0MzQ4QjRCM0NGNkVGOAA=", null, User, 1750025136),
        ["webhook.message.interactive-list-reply-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "interactive", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUJDQ0NDM0FEODY4ODkzOTc5RgA=", null, User, 1749854575),
        ["webhook.message.location-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "location", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTU2MjZEMDBGRkE3MENEMDE0RQA=", null, User, 1744344496),
        ["webhook.message.order-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "order", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTEyQjFGNzI1QTQxMjI5QTMyOQA=", null, User, 1750096325),
        ["webhook.message.reaction-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "reaction", SharedWamid, null, User, 1749419544),
        ["webhook.message.system-message.json"] = new(WebhookEventKind.Message, "messages", Waba2, "system", "wamid.HBgLMTk4MzU1NTE5NzQVAgASGAoxMTgyMDg2MjY3AA==", null, User, 1750269342),
        ["webhook.message.text-message-from-click-to-whatsapp-ad.json"] = new(WebhookEventKind.Message, "messages", Waba2, "text", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUQ0N0VFMDA2MTQ0RkJFNkNDNAA=", null, User, 1750275992),
        ["webhook.message.text-message-with-context-product-inquiry.json"] = new(WebhookEventKind.Message, "messages", Waba2, "text", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTA2NTUwRkNEMDdFQjJCRUU0NQA=", null, User, 1750016800),
        ["webhook.message.text-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "text", SharedWamid, null, User, 1749416383),
        ["webhook.message.unsupported-message.json"] = new(WebhookEventKind.Message, "messages", Waba1, "unsupported", "wamid.HBgLMTQyMDU1NTA3NDkVAgASGBI5N0MwRjg0RTVBNUI1RDA2OTkA", null, User, 1750090702, 131051),
        ["webhook.status.delivered-pmp-with-contacts.json"] = new(WebhookEventKind.Status, "messages", Waba2, null, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=", "delivered", User, 1750030073),
        ["webhook.status.failed-131047.json"] = new(WebhookEventKind.Status, "messages", Waba2, null, StatusWamid, "failed", User, 1750858000, 131047),
        ["webhook.status.read.json"] = new(WebhookEventKind.Status, "messages", Waba2, null, StatusWamid, "read", User, 1750857500),
        ["webhook.status.sent-cbp-with-conversation.json"] = new(WebhookEventKind.Status, "messages", Waba2, null, StatusWamid, "sent", User, 1750857384),
    };

    // Not a POST body: it describes the GET verification exchange.
    private const string VerificationRequest = "webhook.verification-request.json";

    public static TheoryData<string> Payloads() => [.. WhatsAppFixtures.Names("webhook.").Where(n => n != VerificationRequest)];

    [Fact]
    public void The_expectation_table_covers_every_webhook_fixture()
    {
        Table.Keys.Order(StringComparer.Ordinal).ShouldBe(Payloads().Select(row => row.Data).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void Every_webhook_fixture_yields_the_expected_event(string name)
    {
        var expected = Table[name];

        var result = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes(name));

        result.IsSuccess.ShouldBeTrue(result.Error);
        result.Payload.Object.ShouldBe("whatsapp_business_account");
        var e = result.Events.ShouldHaveSingleItem();
        e.Kind.ShouldBe(expected.Kind);
        e.Field.ShouldBe(expected.Field);
        e.WabaId.ShouldBe(expected.Waba);
        e.PhoneNumberId.ShouldBe(PhoneId);
        e.DisplayPhoneNumber.ShouldBe("15550783881");
        e.MessageType.ShouldBe(expected.Type);
        e.Wamid.ShouldBe(expected.Wamid);
        e.Status.ShouldBe(expected.Status);
        (e.Kind == WebhookEventKind.Status ? e.RecipientId : e.From).ShouldBe(expected.Who);
        e.Timestamp.ShouldBe(expected.Unix is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : null);
        e.Errors.Select(x => x.Code).ShouldBe(expected.ErrorCode is { } code ? [code] : []);
        e.RawJson.ShouldNotBeNullOrWhiteSpace();
        e.DedupKey.ShouldBe(expected.Kind switch
        {
            WebhookEventKind.Message => "msg:" + expected.Wamid,
            WebhookEventKind.Status => $"status:{expected.Wamid}:{expected.Status}",
            WebhookEventKind.Error => e.DedupKey.StartsWith("error:", StringComparison.Ordinal) && e.DedupKey.Length == 70 ? e.DedupKey : "error:<sha256>",
            _ => e.DedupKey.StartsWith("other:", StringComparison.Ordinal) && e.DedupKey.Length == 70 ? e.DedupKey : "other:<sha256>",
        });
    }

    [Fact]
    public void The_raw_json_is_the_exact_item_text()
    {
        var body = WhatsAppFixtures.Text("webhook.message.order-message.json");

        var e = WebhookEventExtractor.Extract(Encoding.UTF8.GetBytes(body)).Events.Single();

        body.ShouldContain(e.RawJson);
        e.RawJson.ShouldStartWith("{");
        e.RawJson.ShouldContain("\"product_retailer_id\": \"di9ozbzfi4\"");
    }

    [Fact]
    public void Status_events_carry_pricing_conversation_and_errors()
    {
        var sent = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.status.sent-cbp-with-conversation.json")).Events.Single();
        var delivered = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.status.delivered-pmp-with-contacts.json")).Events.Single();
        var failed = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.status.failed-131047.json")).Events.Single();

        sent.Conversation!.Id.ShouldBe("a75d17ad06104c51166f948319b03c6a");
        sent.Conversation.Origin!.Type.ShouldBe("user_initiated");
        sent.Conversation.ExpirationTimestamp.ShouldBe("1750943820");
        sent.Pricing!.PricingModel.ShouldBe("CBP");
        var pricing = delivered.Pricing.ShouldNotBeNull();
        (pricing.Billable, pricing.PricingModel, pricing.Type, pricing.Category).ShouldBe((true, "PMP", "regular", "marketing"));
        var error = failed.Errors.ShouldHaveSingleItem();
        error.Kind.ShouldBe(WhatsAppErrorKind.OutsideCustomerServiceWindow);
        error.Title.ShouldBe("Re-engagement message");
        error.Details.ShouldBe("Message failed to send because more than 24 hours have passed since the customer last replied to this number.");
    }

    [Fact]
    public void Message_events_carry_the_senders_profile_name_and_value_errors_their_details()
    {
        var text = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.message.text-message.json")).Events.Single();
        var valueError = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.errors.value-level.json")).Events.Single();

        text.FromName.ShouldBe("Sheena Nelson");
        valueError.Errors.Single().Details.ShouldBe("Cloud API message throughput has been reached.");
        valueError.Errors.Single().Kind.ShouldBe(WhatsAppErrorKind.ThroughputLimited);
    }

    [Fact]
    public void The_typed_payload_keeps_type_specific_objects_and_unknown_fields()
    {
        var payload = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.message.interactive-list-reply-message.json")).Payload!;

        var message = payload.Entry[0].Changes[0].Value!.Messages!.Single();
        message.Context!.Id.ShouldBe("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJGMzEyNzhENTZDMzNGODlDRDgA");
        message.Extra!["interactive"].GetProperty("list_reply").GetProperty("id").GetString().ShouldBe("priority_express");
    }

    [Fact]
    public void A_batched_payload_yields_every_message_status_and_error_in_order()
    {
        const string body = """
            {"object":"whatsapp_business_account","entry":[
              {"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"11"},
                "messages":[{"from":"15550001111","id":"wamid.A","timestamp":"1750000000","type":"text","text":{"body":"a"}},
                            {"from":"15550001111","id":"wamid.B","timestamp":"1750000001","type":"brand_new_type"}],
                "statuses":[{"id":"wamid.C","status":"played","timestamp":"1750000002","recipient_id":"15550001111"}]}}]},
              {"id":"2","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT","timestamp":1750000003}},
                                   {"field":"messages","value":{"metadata":{"phone_number_id":"22"},"errors":[{"code":131000,"title":"Something went wrong"}]}}]}]}
            """;

        var result = WebhookEventExtractor.Extract(Encoding.UTF8.GetBytes(body));

        result.Events.Select(e => (e.Kind, e.WabaId, e.PhoneNumberId, e.Wamid ?? e.Field)).ShouldBe(
        [
            (WebhookEventKind.Message, "1", "11", "wamid.A"),
            (WebhookEventKind.Message, "1", "11", "wamid.B"),
            (WebhookEventKind.Status, "1", "11", "wamid.C"),
            (WebhookEventKind.Other, "2", null, "account_update"),
            (WebhookEventKind.Error, "2", "22", "messages"),
        ]);
        result.Events[1].MessageType.ShouldBe("brand_new_type");
        result.Events[2].Status.ShouldBe("played");
        result.Events[3].Timestamp.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1750000003));
        result.Events[4].Errors.Single().Kind.ShouldBe(WhatsAppErrorKind.Transient);
    }

    [Fact]
    public void A_message_without_a_type_is_kept_as_unknown()
    {
        const string body = """{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messages":[{"id":"wamid.X","from":"1"}]}}]}]}""";

        WebhookEventExtractor.Extract(Encoding.UTF8.GetBytes(body)).Events.Single().MessageType.ShouldBe("unknown");
    }

    [Fact]
    public void The_same_error_delivered_twice_has_the_same_dedup_key()
    {
        var first = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.errors.value-level.json")).Events.Single();
        var again = WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes("webhook.errors.value-level.json")).Events.Single();

        again.DedupKey.ShouldBe(first.DedupKey);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"object\":", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}", "no \"entry\" array")]
    [InlineData("{\"entry\":[1]}", "entry[0] must be an object")]
    [InlineData("{\"entry\":[{\"id\":\"1\",\"changes\":{}}]}", "entry[0].changes must be an array")]
    [InlineData("{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[\"x\"]}}]}]}", "entry[0].changes[0].value.messages[0] must be an object")]
    [InlineData("{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"statuses\":[{\"id\":{\"nested\":1}}]}}]}]}", "entry[0].changes[0].value.statuses[0] could not be read")]
    [InlineData("{\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"errors\":[{\"code\":\"abc\"}]}}]}]}", "entry[0].changes[0].value.errors[0] could not be read")]
    public void A_malformed_body_is_a_failed_result_naming_the_problem(string body, string error)
    {
        var result = WebhookEventExtractor.Extract(Encoding.UTF8.GetBytes(body));

        result.IsSuccess.ShouldBeFalse();
        result.Error.ShouldContain(error);
        result.Events.ShouldBeEmpty();
    }

    [Fact]
    public void The_verification_request_fixture_is_not_a_payload()
    {
        WebhookEventExtractor.Extract(WhatsAppFixtures.Bytes(VerificationRequest)).IsSuccess.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void The_cheap_check_accepts_every_webhook_fixture(string name)
    {
        WebhookEventExtractor.TryValidate(WhatsAppFixtures.Bytes(name), out var error).ShouldBeTrue(error);
        error.ShouldBeNull();
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("{\"object\":", "not valid JSON")]
    [InlineData("{\"entry\":[{\"id\":\"1\"}]", "not valid JSON")]
    [InlineData("{\"entry\":[]} trailing", "not valid JSON")]
    [InlineData("hub.mode=subscribe", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"object\":\"whatsapp_business_account\"}", "no \"entry\" array")]
    [InlineData("{\"hello\":{\"entry\":[]}}", "no \"entry\" array")]
    [InlineData("{\"entry\":{}}", "no \"entry\" array")]
    [InlineData("{\"entry\":[{},1]}", "entry[1] must be an object")]
    public void The_cheap_check_refuses_what_is_not_a_complete_webhook_envelope(string body, string error)
    {
        WebhookEventExtractor.TryValidate(Encoding.UTF8.GetBytes(body), out var problem).ShouldBeFalse();

        problem.ShouldNotBeNull().ShouldContain(error);
        // Whatever the cheap check refuses, the full extraction refuses too.
        WebhookEventExtractor.Extract(Encoding.UTF8.GetBytes(body)).IsSuccess.ShouldBeFalse();
    }

    [Fact]
    public void The_cheap_check_refuses_the_verification_request_fixture()
    {
        WebhookEventExtractor.TryValidate(WhatsAppFixtures.Bytes(VerificationRequest), out _).ShouldBeFalse();
    }
}
