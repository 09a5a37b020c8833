using System.Net;
using System.Text;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class SendMessageTests
{
    [Theory]
    [InlineData("request.send-text.json")]
    [InlineData("request.send-text-preview-url.json")]
    [InlineData("request.send-text-reply-context.json")]
    [InlineData("request.send-template-text.json")]
    [InlineData("request.send-template-media.json")]
    [InlineData("request.send-template-quick-reply-buttons.json")]
    [InlineData("request.send-template-shipping-confirmation.json")]
    [InlineData("request.send-image-by-id.json")]
    [InlineData("request.send-image-by-link.json")]
    [InlineData("request.send-audio-by-id.json")]
    [InlineData("request.send-video-by-link.json")]
    [InlineData("request.send-document-by-id.json")]
    [InlineData("request.send-document-by-link.json")]
    [InlineData("request.send-sticker-by-id.json")]
    [InlineData("request.send-interactive-buttons.json")]
    [InlineData("request.send-interactive-list.json")]
    [InlineData("request.send-location.json")]
    [InlineData("request.send-contacts.json")]
    [InlineData("request.send-reaction.json")]
    public async Task Every_fixture_request_is_accepted_with_the_send_response(string fixture)
    {
        await using var world = await MessagingWorld.StartAsync();
        var body = MessagingWorld.RequestFixture(fixture);

        var response = await world.SendAsync(body);

        response.Status.ShouldBe(HttpStatusCode.OK, response.Body?.ToJsonString());
        Fixture.Keys(response.Json).ShouldBe(["messaging_product", "contacts", "messages"]);
        response.Json["messaging_product"]!.GetValue<string>().ShouldBe("whatsapp");
        var contact = response.Json["contacts"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        Fixture.Keys(contact).ShouldBe(["input", "wa_id"]);
        contact["input"]!.GetValue<string>().ShouldBe(body["to"]!.GetValue<string>());
        contact["wa_id"]!.GetValue<string>().ShouldBe(body["to"]!.GetValue<string>());
        var message = response.Json["messages"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        message["id"]!.GetValue<string>().ShouldStartWith("wamid.");
        if (body["type"]?.GetValue<string>() == "template")
        {
            // response.send-message-with-message-status.json
            message.ShouldHaveSameShape(Fixture.Load("whatsapp/response.send-message-with-message-status.json")["messages"]![0]!);
            message["message_status"]!.GetValue<string>().ShouldBe("accepted");
        }
        else
        {
            Fixture.Keys(message).ShouldBe(["id"]);
        }
    }

    [Fact]
    public async Task Input_is_echoed_as_sent_and_wa_id_keeps_the_digits()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendTextAsync(to: "+1 (555) 000-1111");

        var contact = response.Json["contacts"]![0]!;
        contact["input"]!.GetValue<string>().ShouldBe("+1 (555) 000-1111");
        contact["wa_id"]!.GetValue<string>().ShouldBe("15550001111");
    }

    [Fact]
    public async Task Wamid_is_unique_and_encodes_the_recipient_like_Meta_ids()
    {
        await using var world = await MessagingWorld.StartAsync();

        var first = (await world.SendTextAsync()).Json["messages"]![0]!["id"]!.GetValue<string>();
        var second = (await world.SendTextAsync()).Json["messages"]![0]!["id"]!.GetValue<string>();

        first.ShouldNotBe(second);
        var decoded = Encoding.ASCII.GetString(Convert.FromBase64String(first["wamid.".Length..]));
        decoded.ShouldContain(MessagingWorld.User);
        first.ShouldStartWith("wamid.HBgL"); // same prefix as the fixtures' ids for an 11-digit number
    }

    [Fact]
    public async Task Template_message_status_can_be_left_out()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.TemplateMessageStatus = null;

        var response = await world.SendAsync(MessagingWorld.TemplateBody());

        Fixture.Keys(response.Json["messages"]![0]!.AsObject()).ShouldBe(["id"]);
    }

    public static TheoryData<string, string, int, string> InvalidBodies => new()
    {
        { "missing messaging_product", """{"to":"15550001111","type":"text","text":{"body":"x"}}""", 100, "(#100) The parameter messaging_product is required" },
        { "wrong messaging_product", """{"messaging_product":"sms","to":"15550001111","type":"text","text":{"body":"x"}}""", 100, "(#100) Invalid parameter" },
        { "missing to", """{"messaging_product":"whatsapp","type":"text","text":{"body":"x"}}""", 100, "(#100) The parameter to is required" },
        { "letters in to", """{"messaging_product":"whatsapp","to":"call-me","type":"text","text":{"body":"x"}}""", 100, "(#100) Invalid parameter" },
        { "no text object", """{"messaging_product":"whatsapp","to":"15550001111","type":"text"}""", 131008, "(#131008) Required parameter is missing" },
        { "empty text body", """{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":""}}""", 131008, "(#131008) Required parameter is missing" },
        { "unexpected key in text", """{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":"x","colour":"red"}}""", 131009, "(#131009) Parameter value is not valid" },
        { "template without name", """{"messaging_product":"whatsapp","to":"15550001111","type":"template","template":{"language":{"code":"en_US"}}}""", 100, "(#100) Invalid parameter" },
        { "template without language", """{"messaging_product":"whatsapp","to":"15550001111","type":"template","template":{"name":"hello_world"}}""", 131008, "(#131008) Required parameter is missing" },
        { "image without id or link", """{"messaging_product":"whatsapp","to":"15550001111","type":"image","image":{"caption":"c"}}""", 131008, "(#131008) Required parameter is missing" },
        { "image with id and link", """{"messaging_product":"whatsapp","to":"15550001111","type":"image","image":{"id":"1","link":"https://example.com/a.jpg"}}""", 131009, "(#131009) Parameter value is not valid" },
        { "four reply buttons", """{"messaging_product":"whatsapp","to":"15550001111","type":"interactive","interactive":{"type":"button","body":{"text":"pick"},"action":{"buttons":[{"type":"reply","reply":{"id":"1","title":"a"}},{"type":"reply","reply":{"id":"2","title":"b"}},{"type":"reply","reply":{"id":"3","title":"c"}},{"type":"reply","reply":{"id":"4","title":"d"}}]}}}""", 131009, "(#131009) Parameter value is not valid" },
        { "reaction without message_id", """{"messaging_product":"whatsapp","to":"15550001111","type":"reaction","reaction":{"emoji":"x"}}""", 131008, "(#131008) Required parameter is missing" },
        { "location without longitude", """{"messaging_product":"whatsapp","to":"15550001111","type":"location","location":{"latitude":1}}""", 131008, "(#131008) Required parameter is missing" },
        { "unknown type", """{"messaging_product":"whatsapp","to":"15550001111","type":"hologram","hologram":{}}""", 131051, "(#131051) Unsupported message type" },
        { "not json", "this is not json", 100, "(#100) The parameter messaging_product is required" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_request_is_answered_like_Meta(string why, string body, int code, string message)
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.Emulator.PostJsonAsync(world.MessagesPath, body, world.Sample.SystemUserToken);

        var error = response.ShouldBeGraphError(HttpStatusCode.BadRequest, code, message);
        if (code != 100 || message == "(#100) Invalid parameter")
        {
            error["error_data"]!["messaging_product"]!.GetValue<string>().ShouldBe("whatsapp", why);
            error["error_data"]!["details"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(why);
        }

        world.State.WebhookDeliveries.ShouldBeEmpty(why);
    }

    [Fact]
    public async Task Validation_error_has_the_envelope_of_the_fixtures()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.Emulator.PostJsonAsync(world.MessagesPath, """{"messaging_product":"whatsapp","to":"15550001111","type":"text"}""", world.Sample.SystemUserToken);

        response.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/error.send.131047-re-engagement.json"));
        response.Json["error"]!["error_data"]!["details"]!.GetValue<string>().ShouldContain("text");
    }

    [Fact]
    public async Task Template_without_name_gets_Meta_observed_details()
    {
        await using var world = await MessagingWorld.StartAsync();
        var body = MessagingWorld.TemplateBody();
        body["template"]!.AsObject().Remove("name");

        var response = await world.SendAsync(body);

        response.Error["error_data"]!["details"]!.GetValue<string>().ShouldBe("Parameter name is missing or empty");
    }

    [Fact]
    public async Task Token_without_messaging_permission_gets_permissions_error()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendAsync(MessagingWorld.TextBody(), world.Sample.TokenWithoutMessaging);

        response.ShouldBeGraphError(HttpStatusCode.Forbidden, 200, "(#200) Permissions error");
    }

    [Fact]
    public async Task Token_of_another_WABA_sees_no_such_phone_number()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendAsync(MessagingWorld.TextBody(), world.Sample.OtherWabaToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, subcode: 33, type: "GraphMethodException")["message"]!
            .GetValue<string>().ShouldStartWith($"Unsupported post request. Object with ID '{world.Sample.PhoneNumberId}'");
    }

    [Fact]
    public async Task Unknown_phone_number_id_looks_missing()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.Emulator.PostJsonAsync("v25.0/123456789012345/messages", MessagingWorld.TextBody().ToJsonString(), world.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 100, subcode: 33, type: "GraphMethodException");
    }

    [Fact]
    public async Task Garbage_token_is_code_190()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendAsync(MessagingWorld.TextBody(), "not-a-token");

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190);
    }

    [Fact]
    public async Task Expired_token_is_code_190_subcode_463()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.State.Clock.Advance(TimeSpan.FromHours(3));

        var response = await world.SendAsync(MessagingWorld.TextBody(), world.Sample.UserTokenShortLived);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, subcode: 463);
    }

    [Fact]
    public async Task Sending_to_the_business_number_itself_is_131021()
    {
        await using var world = await MessagingWorld.StartAsync();

        var response = await world.SendTextAsync(to: world.Sample.DisplayPhoneNumber);

        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 131021, "(#131021) Recipient cannot be sender");
    }

    [Fact]
    public async Task Sends_are_recorded_as_Graph_calls_and_faults_apply()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.State.AddFault(new FaultSpec { Path = $"/{world.Sample.PhoneNumberId}/messages", GraphCode = 131000, Status = 500, Message = "(#131000) Something went wrong", Count = 1 });

        var faulted = await world.SendTextAsync();
        var normal = await world.SendTextAsync();

        faulted.ShouldBeGraphError(HttpStatusCode.InternalServerError, 131000, "(#131000) Something went wrong");
        normal.Status.ShouldBe(HttpStatusCode.OK);
        world.State.Calls.Count(c => c.Path == $"/{world.Sample.PhoneNumberId}/messages").ShouldBe(2);
    }
}
