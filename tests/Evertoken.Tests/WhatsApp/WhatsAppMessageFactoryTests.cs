using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class WhatsAppMessageFactoryTests
{
    private static JsonNode Json(WhatsAppMessage message) =>
        JsonNode.Parse(JsonSerializer.Serialize(message, WhatsAppJsonContext.Default.WhatsAppMessage))!;

    private static void ShouldMatchFixture(WhatsAppMessage message, string fixture)
    {
        var written = Json(message);
        JsonNode.DeepEquals(written, WhatsAppFixtures.Node(fixture)).ShouldBeTrue(written.ToJsonString());
    }

    [Fact]
    public void Text_builds_the_documented_text_body()
    {
        ShouldMatchFixture(WhatsAppMessage.Text("15550001111", "text-message-content"), "request.send-text.json");
    }

    [Fact]
    public void ReplyTo_adds_the_context_of_the_earlier_message()
    {
        ShouldMatchFixture(WhatsAppMessage.Text("15550001111", "<TEXT_MSG_CONTENT>").ReplyTo("<MSGID_OF_PREV_MSG>"), "request.send-text-reply-context.json");
    }

    [Fact]
    public void Template_builds_header_body_and_quick_reply_button_components()
    {
        var body = TemplateComponent.Body(
            TemplateParameter.FromText("text-string"),
            TemplateParameter.FromCurrency("$100.99", "USD", 100990),
            new TemplateParameter
            {
                Type = "date_time",
                DateTime = new TemplateDateTime
                {
                    FallbackValue = "February 25, 1977", Calendar = "GREGORIAN", DayOfMonth = 25, DayOfWeek = 5,
                    Hour = 15, Minute = 33, Month = 2, Year = 1977,
                },
            });

        var message = WhatsAppMessage.Template("15550001111", "template-name", "language-and-locale-code",
            TemplateComponent.Header(TemplateParameter.FromImage(MediaObject.ByLink("http(s)://the-image-url"))),
            body,
            TemplateComponent.QuickReplyButton(0, "aGlzIHRoaXMgaXMgY29v"),
            TemplateComponent.QuickReplyButton(1, "9rwnB8RbYmPF5t2Mn09x4h"));

        ShouldMatchFixture(message, "request.send-template-quick-reply-buttons.json");
    }

    [Fact]
    public void Body_with_strings_makes_text_parameters()
    {
        var message = WhatsAppMessage.Template("+15550001111", "order_shipped", "en_US", TemplateComponent.Body("Ana", "#42"));

        var json = Json(message);
        json["template"]!["components"]![0]!["parameters"]![1]!["text"]!.GetValue<string>().ShouldBe("#42");
        json["template"]!["language"]!["code"]!.GetValue<string>().ShouldBe("en_US");
        MessageValidator.Validate(message).ShouldBeEmpty();
    }

    [Fact]
    public void Media_factories_match_the_documented_bodies()
    {
        ShouldMatchFixture(WhatsAppMessage.Image("15550001111", MediaObject.ById("<IMAGE_OBJECT_ID>")), "request.send-image-by-id.json");
        ShouldMatchFixture(WhatsAppMessage.Audio("15550001111", MediaObject.ById("<AUDIO_OBJECT_ID>")), "request.send-audio-by-id.json");
        ShouldMatchFixture(WhatsAppMessage.Video("15550001111", MediaObject.ByLink("<http(s)://video-url>", "<VIDEO_CAPTION_TEXT>")), "request.send-video-by-link.json");
        ShouldMatchFixture(WhatsAppMessage.Document("15550001111", MediaObject.ById("<DOCUMENT_OBJECT_ID>", "<DOCUMENT_CAPTION_TO_SEND>", "<DOCUMENT_FILENAME>")), "request.send-document-by-id.json");
        ShouldMatchFixture(WhatsAppMessage.Sticker("15550001111", MediaObject.ById("<MEDIA_OBJECT_ID>")), "request.send-sticker-by-id.json");
    }

    [Fact]
    public void Location_and_reaction_match_the_documented_bodies()
    {
        ShouldMatchFixture(WhatsAppMessage.Location("15550001111", 37.758056, -122.425332, "META HQ", "1 Hacker Way, Menlo Park, CA 94025"), "request.send-location.json");
        ShouldMatchFixture(WhatsAppMessage.Reaction("15550001111", "wamid.HBgLM...", "😀"), "request.send-reaction.json");
    }

    [Fact]
    public void Buttons_match_the_documented_reply_button_body()
    {
        var message = WhatsAppMessage.Buttons("15550001111", "<BUTTON_TEXT>",
            new ReplyButton("<UNIQUE_BUTTON_ID_1>", "<BUTTON_TITLE_1>"),
            new ReplyButton("<UNIQUE_BUTTON_ID_2>", "<BUTTON_TITLE_2>"));

        ShouldMatchFixture(message, "request.send-interactive-buttons.json");
    }

    [Fact]
    public void List_with_header_and_footer_matches_the_documented_list_body()
    {
        var message = WhatsAppMessage.List("15550001111", "<BODY_TEXT>", "<BUTTON_TEXT>",
            ListSection.Of("<LIST_SECTION_1_TITLE>",
                new ListRow("<LIST_SECTION_1_ROW_1_ID>", "<SECTION_1_ROW_1_TITLE>", "<SECTION_1_ROW_1_DESC>"),
                new ListRow("<LIST_SECTION_1_ROW_2_ID>", "<SECTION_1_ROW_2_TITLE>", "<SECTION_1_ROW_2_DESC>")),
            ListSection.Of("<LIST_SECTION_2_TITLE>",
                new ListRow("<LIST_SECTION_2_ROW_1_ID>", "<SECTION_2_ROW_1_TITLE>", "<SECTION_2_ROW_1_DESC>"),
                new ListRow("<LIST_SECTION_2_ROW_2_ID>", "<SECTION_2_ROW_2_TITLE>", "<SECTION_2_ROW_2_DESC>")));
        message = message with { Interactive = message.Interactive!.WithHeader("<HEADER_TEXT>").WithFooter("<FOOTER_TEXT>") };

        ShouldMatchFixture(message, "request.send-interactive-list.json");
    }

    [Fact]
    public void MarkAsRead_matches_both_documented_read_receipts()
    {
        ShouldMatchFixture(WhatsAppMessage.MarkAsRead("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"), "request.mark-as-read.json");
        ShouldMatchFixture(WhatsAppMessage.MarkAsRead("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=", typingIndicator: true),
            "request.send-read-receipt-with-typing-indicator.json");
    }

    [Fact]
    public void A_numeric_template_button_index_is_read_and_written_as_a_string()
    {
        const string json = """{"messaging_product":"whatsapp","to":"15550001111","type":"template","template":{"name":"t","language":{"code":"en"},"components":[{"type":"button","sub_type":"quick_reply","index":1,"parameters":[{"type":"payload","payload":"p"}]}]}}""";

        var message = JsonSerializer.Deserialize(json, WhatsAppJsonContext.Default.WhatsAppMessage)!;

        message.TemplateContent!.Components![0].Index.ShouldBe("1");
        Json(message)["template"]!["components"]![0]!["index"]!.GetValue<string>().ShouldBe("1");
    }
}
