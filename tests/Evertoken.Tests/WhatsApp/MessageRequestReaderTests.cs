using System.Text.Json;
using Evertoken.Server.Api;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class MessageRequestReaderTests
{
    private static MessageRequest Read(string json) => MessageRequestReader.Read(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void Pasted_Meta_json_is_read_as_is_and_token_and_phone_number_id_are_taken_out()
    {
        var fixture = WhatsAppFixtures.Node("request.send-text.json").AsObject();
        fixture["token"] = "main";
        fixture["phone_number_id"] = "106540352242922";

        var request = Read(fixture.ToJsonString());

        request.Problems.ShouldBeEmpty();
        request.Token.ShouldBe("main");
        request.PhoneNumberId.ShouldBe("106540352242922");
        request.Message!.EffectiveType.ShouldBe(MessageTypes.Text);
        request.Message.TextContent!.Body.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void The_text_shortcut_builds_a_text_message()
    {
        var request = Read("""{"to":"+15550001111","text":"Your table is ready"}""");

        request.Problems.ShouldBeEmpty();
        request.Message.ShouldBe(WhatsAppMessage.Text("+15550001111", "Your table is ready"));
    }

    [Fact]
    public void The_template_shortcut_builds_a_template_with_its_body_parameters_in_order()
    {
        var request = Read("""{"to":"15550001111","template":"order_shipped","language":"pt_BR","parameters":["Ana",42]}""");

        request.Problems.ShouldBeEmpty();
        var template = request.Message!.TemplateContent!;
        template.Name.ShouldBe("order_shipped");
        template.Language!.Code.ShouldBe("pt_BR");
        template.Components!.ShouldHaveSingleItem().Parameters!.Select(p => p.Text).ShouldBe(["Ana", "42"]);
    }

    [Fact]
    public void A_template_shortcut_without_language_uses_en_US()
    {
        Read("""{"to":"15550001111","template":"hello_world"}""").Message!.TemplateContent!.Language!.Code.ShouldBe("en_US");
    }

    [Fact]
    public void Every_problem_is_listed_not_only_the_first()
    {
        var request = Read("""{"text":"hi","colour":"blue","token":42}""");

        request.Problems.Keys.ShouldBe(["token", "colour", "to"], ignoreOrder: true);
    }

    [Fact]
    public void Unknown_fields_in_Meta_json_are_a_problem_not_silently_dropped()
    {
        var request = Read("""{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":"x"},"bogus":1}""");

        request.Message.ShouldBeNull();
        request.Problems.ShouldNotBeEmpty();
    }

    [Fact]
    public void A_message_the_validator_refuses_lists_the_validator_problems()
    {
        var request = Read("""{"messaging_product":"whatsapp","to":"","type":"text","text":{"body":""}}""");

        request.Problems.Count.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public void A_body_that_is_not_an_object_is_refused()
    {
        Read("[1,2]").Problems.Keys.ShouldBe(["body"]);
    }
}
