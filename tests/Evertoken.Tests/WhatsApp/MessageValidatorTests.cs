using Evertoken.WhatsApp;

namespace Evertoken.Tests.WhatsApp;

public class MessageValidatorTests
{
    private const string To = "+15550001111";

    private static ReplyButton Button(int i, string? title = null) => new($"id-{i}", title ?? $"Option {i}");

    [Fact]
    public void A_valid_text_message_has_no_problems()
    {
        MessageValidator.Validate(WhatsAppMessage.Text(To, "hello")).ShouldBeEmpty();
    }

    [Fact]
    public void Four_reply_buttons_are_one_too_many()
    {
        var problems = MessageValidator.Validate(WhatsAppMessage.Buttons(To, "Pick one", Button(1), Button(2), Button(3), Button(4)));

        problems.ShouldHaveSingleItem().ShouldContain("at most 3");
    }

    [Fact]
    public void Button_titles_must_be_short_and_unique_and_ids_at_most_256_characters()
    {
        var message = WhatsAppMessage.Buttons(To, "Pick one",
            new ReplyButton("a", "Same"),
            new ReplyButton(new string('x', 257), "Same"),
            new ReplyButton("c", new string('t', 21)));

        var problems = MessageValidator.Validate(message);

        problems.Count.ShouldBe(3);
        problems.ShouldContain(p => p.Contains("buttons[1].reply.title") && p.Contains("unique"));
        problems.ShouldContain(p => p.Contains("buttons[1].reply.id") && p.Contains("257"));
        problems.ShouldContain(p => p.Contains("buttons[2].reply.title") && p.Contains("21 characters"));
    }

    [Fact]
    public void Title_length_counts_characters_not_utf16_units()
    {
        var twentyEmoji = string.Concat(Enumerable.Repeat("😀", 20));

        MessageValidator.Validate(WhatsAppMessage.Buttons(To, "Pick", new ReplyButton("a", twentyEmoji))).ShouldBeEmpty();
    }

    [Fact]
    public void A_list_allows_ten_rows_over_all_sections_and_no_more()
    {
        ListRow Row(int i) => new($"row-{i}", $"Row {i}");
        var ten = WhatsAppMessage.List(To, "Choose", "Menu",
            ListSection.Of("A", Enumerable.Range(0, 5).Select(Row)),
            ListSection.Of("B", Enumerable.Range(5, 5).Select(Row)));
        var eleven = WhatsAppMessage.List(To, "Choose", "Menu",
            ListSection.Of("A", Enumerable.Range(0, 5).Select(Row)),
            ListSection.Of("B", Enumerable.Range(5, 6).Select(Row)));

        MessageValidator.Validate(ten).ShouldBeEmpty();
        MessageValidator.Validate(eleven).ShouldHaveSingleItem().ShouldContain("11 rows");
    }

    [Fact]
    public void A_list_checks_sections_row_lengths_and_section_titles()
    {
        var sections = Enumerable.Range(0, 11).Select(i => ListSection.Of(i == 0 ? null : $"S{i}", new ListRow($"r{i}", "ok"))).ToList();
        sections[1] = ListSection.Of("S1", new ListRow("r1", new string('t', 25), new string('d', 73)));

        var problems = MessageValidator.Validate(WhatsAppMessage.List(To, "Choose", "Menu", sections));

        problems.ShouldContain(p => p.Contains("11 sections"));
        problems.ShouldContain(p => p.Contains("11 rows"));
        problems.ShouldContain(p => p.Contains("sections[0].title is required"));
        problems.ShouldContain(p => p.Contains("sections[1].rows[0].title is 25 characters"));
        problems.ShouldContain(p => p.Contains("sections[1].rows[0].description is 73 characters"));
        problems.Count.ShouldBe(5);
    }

    [Fact]
    public void Interactive_body_footer_and_header_have_length_limits()
    {
        var message = WhatsAppMessage.Buttons(To, new string('b', 1025), Button(1));
        message = message with { Interactive = message.Interactive!.WithHeader(new string('h', 61)).WithFooter(new string('f', 61)) };

        var problems = MessageValidator.Validate(message);

        problems.Count.ShouldBe(3);
        problems.ShouldContain(p => p.StartsWith("interactive.body.text is 1025", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("interactive.header.text is 61", StringComparison.Ordinal));
        problems.ShouldContain(p => p.StartsWith("interactive.footer.text is 61", StringComparison.Ordinal));
    }

    [Fact]
    public void A_text_body_may_hold_4096_characters_but_not_4097()
    {
        MessageValidator.Validate(WhatsAppMessage.Text(To, new string('a', 4096))).ShouldBeEmpty();
        MessageValidator.Validate(WhatsAppMessage.Text(To, new string('a', 4097))).ShouldHaveSingleItem().ShouldContain("4097");
    }

    [Theory]
    [InlineData("15550001111", true)]
    [InlineData("+1 (555) 000-1111", true)]
    [InlineData("user.9373795779eb6441c8adb2eaee5b848e7dd174ddd302d7db62142f4722d574b6", true)]
    [InlineData("12345", false)]
    [InlineData("1234567890123456", false)]
    [InlineData("555-CALL-NOW", false)]
    [InlineData("15550001111+", false)]
    [InlineData("", false)]
    public void Recipients_must_look_like_a_phone_number_or_a_business_scoped_user_id(string to, bool plausible)
    {
        MessageValidator.IsPlausibleRecipient(to).ShouldBe(plausible);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var message = new WhatsAppMessage { MessagingProduct = "sms", Type = MessageTypes.Text };

        var problems = MessageValidator.Validate(message);

        problems.ShouldBe(
        [
            "messaging_product must be \"whatsapp\" (got \"sms\").",
            "to (the recipient) is required.",
            "text is required for type \"text\".",
        ]);
    }

    [Theory]
    [InlineData(MessageTypes.Template, "template is required")]
    [InlineData(MessageTypes.Image, "image is required")]
    [InlineData(MessageTypes.Location, "location is required")]
    [InlineData(MessageTypes.Contacts, "contacts must hold at least one")]
    [InlineData(MessageTypes.Interactive, "interactive is required")]
    [InlineData(MessageTypes.Reaction, "reaction is required")]
    [InlineData("order", "send it with CloudApiClient.SendRawAsync")]
    public void Each_type_needs_its_object(string type, string problem)
    {
        MessageValidator.Validate(new WhatsAppMessage { To = To, Type = type }).ShouldHaveSingleItem().ShouldContain(problem);
    }

    [Fact]
    public void Media_needs_exactly_one_of_id_or_link_and_only_documents_take_a_file_name()
    {
        var both = WhatsAppMessage.Image(To, new MediaObject { Id = "1", Link = "https://x/y.png", Filename = "y.png" });
        var captionedSticker = WhatsAppMessage.Sticker(To, MediaObject.ById("1", caption: "hi"));

        MessageValidator.Validate(both).ShouldBe(["image needs exactly one of id (an uploaded media id) or link (a URL).", "image.filename is only allowed on a document."]);
        MessageValidator.Validate(captionedSticker).ShouldHaveSingleItem().ShouldContain("caption is not allowed");
    }

    [Fact]
    public void Template_parameters_need_the_object_their_type_names()
    {
        var message = WhatsAppMessage.Template(To, "t", "en_US", new TemplateComponent
        {
            Type = "button",
            Parameters = [new TemplateParameter { Type = "payload" }],
        });

        MessageValidator.Validate(message).ShouldBe(
        [
            "template.components[0].sub_type is required for a button component.",
            "template.components[0].index is required for a button component.",
            "template.components[0].parameters[0].payload is required for a parameter of type \"payload\".",
        ]);
    }

    [Fact]
    public void A_read_receipt_needs_the_message_id_but_no_recipient()
    {
        MessageValidator.Validate(WhatsAppMessage.MarkAsRead("wamid.X", typingIndicator: true)).ShouldBeEmpty();
        MessageValidator.Validate(new WhatsAppMessage { Status = "read" }).ShouldHaveSingleItem().ShouldContain("message_id");
    }

    [Fact]
    public void ThrowIfInvalid_throws_an_argument_exception_listing_every_problem()
    {
        var ex = Should.Throw<MessageValidationException>(() => MessageValidator.ThrowIfInvalid(new WhatsAppMessage { Type = "text" }));

        ex.ShouldBeAssignableTo<ArgumentException>();
        ex.Problems.Count.ShouldBe(2);
        ex.Message.ShouldContain("2 problems");
        ex.Message.ShouldContain("to (the recipient) is required.");
        ex.Message.ShouldContain("text is required");
    }
}
