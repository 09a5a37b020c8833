using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.Tests.WhatsApp;

public class MessageFixtureTests
{
    // Bodies of other endpoints (/register, /subscribed_apps), not messages.
    private static readonly HashSet<string> NotMessages = ["request.register.json", "request.subscribe-app-override-callback.json"];

    public static TheoryData<string> MessageRequests() => [.. WhatsAppFixtures.Names("request.").Where(n => !NotMessages.Contains(n))];

    public static TheoryData<string> ErrorBodies() => [.. WhatsAppFixtures.Names("error.")];

    [Fact]
    public void The_fixture_folder_holds_the_message_requests()
    {
        MessageRequests().Count.ShouldBe(21);
    }

    [Theory]
    [MemberData(nameof(MessageRequests))]
    public void Every_request_fixture_round_trips_through_WhatsAppMessage_to_equal_json(string name)
    {
        var original = WhatsAppFixtures.Node(name);

        var message = JsonSerializer.Deserialize(WhatsAppFixtures.Text(name), WhatsAppJsonContext.Default.WhatsAppMessage)!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(message, WhatsAppJsonContext.Default.WhatsAppMessage))!;

        JsonNode.DeepEquals(original, written).ShouldBeTrue($"{name} re-serialized as {written.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(MessageRequests))]
    public void The_validator_accepts_every_request_fixture(string name)
    {
        var message = JsonSerializer.Deserialize(WhatsAppFixtures.Text(name), WhatsAppJsonContext.Default.WhatsAppMessage)!;

        MessageValidator.Validate(message).ShouldBeEmpty();
    }

    [Fact]
    public void A_pasted_body_with_a_field_the_model_does_not_know_is_refused_rather_than_silently_dropped()
    {
        const string json = """{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":"hi","surprise":1}}""";

        Should.Throw<JsonException>(() => JsonSerializer.Deserialize(json, WhatsAppJsonContext.Default.WhatsAppMessage));
    }

    [Theory]
    [InlineData("response.send-message.json", "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA", "+15550001111", "15550001111", null)]
    [InlineData("response.send-message-with-message-status.json", "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA", "+15550001111", "15550001111", "accepted")]
    [InlineData("response.send-message-reaction.json", "wamid.HBgLM...", "<PHONE_NUMBER>", "<WHATSAPP_ID>", null)]
    public void Send_response_fixtures_parse_into_SendResult(string name, string wamid, string input, string waId, string? messageStatus)
    {
        var result = JsonSerializer.Deserialize(WhatsAppFixtures.Text(name), WhatsAppJsonContext.Default.SendResult)!;

        result.MessagingProduct.ShouldBe("whatsapp");
        result.Wamid.ShouldBe(wamid);
        result.Input.ShouldBe(input);
        result.WaId.ShouldBe(waId);
        result.MessageStatus.ShouldBe(messageStatus);
    }

    [Theory]
    [InlineData("response.mark-as-read.json")]
    [InlineData("response.register.json")]
    [InlineData("response.subscribe-app.json")]
    public void Success_response_fixtures_parse(string name)
    {
        JsonSerializer.Deserialize(WhatsAppFixtures.Text(name), WhatsAppWireJsonContext.Default.SuccessResponse)!.Success.ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(ErrorBodies))]
    public void Every_error_fixture_parses_into_a_graph_error_with_its_code_and_trace_id(string name)
    {
        var expected = WhatsAppFixtures.Node(name)["error"]!;

        var error = GraphErrorReader.Read(WhatsAppFixtures.Bytes(name), 400, "Bad Request");

        error.Code.ShouldBe(expected["code"]!.GetValue<int>());
        error.Code.ShouldNotBe(0);
        error.Message.ShouldBe(expected["message"]!.GetValue<string>());
        error.FbTraceId.ShouldBe(expected["fbtrace_id"]!.GetValue<string>());
        error.Subcode.ShouldBe(expected["error_subcode"]?.GetValue<int>());
        error.Details.ShouldBe(expected["error_data"]?["details"]?.GetValue<string>());
        error.HttpStatus.ShouldBe(400);
    }
}
