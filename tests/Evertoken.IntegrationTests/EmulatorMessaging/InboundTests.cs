using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.IntegrationTests.Emulator;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class InboundTests
{
    [Fact]
    public async Task Inbound_text_arrives_signed_like_the_fixture()
    {
        await using var world = await MessagingWorld.StartAsync();

        var answer = await world.InboundAsync(new { from = "+1 555 000 1111", name = "Sheena Nelson", text = "Does it come in another color?" });

        var post = (await world.Receiver.WaitForPostsAsync(1)).ShouldHaveSingleItem();
        post.SignatureValid.ShouldBeTrue();
        post.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/webhook.message.text-message.json"));
        post.Value["contacts"]![0]!["profile"]!["name"]!.GetValue<string>().ShouldBe("Sheena Nelson");
        post.Value["contacts"]![0]!["wa_id"]!.GetValue<string>().ShouldBe(MessagingWorld.User);
        post.Message["from"]!.GetValue<string>().ShouldBe(MessagingWorld.User);
        post.Message["id"]!.GetValue<string>().ShouldBe(answer["wamid"]!.GetValue<string>());
        post.Message["text"]!["body"]!.GetValue<string>().ShouldBe("Does it come in another color?");
        var now = world.State.Clock.GetUtcNow().ToUnixTimeSeconds();
        long.Parse(post.Message["timestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(now - 5, now);
        answer["delivery_id"]!.GetValue<string>().ShouldBe(world.State.WebhookDeliveries.Single().Id);
    }

    [Fact]
    public async Task Non_ascii_is_sent_as_lowercase_unicode_escapes_and_signed_over_those_bytes()
    {
        await using var world = await MessagingWorld.StartAsync();

        await world.InboundAsync(new { from = MessagingWorld.User, name = "Jürgen", text = "äöå 👍" });

        var post = (await world.Receiver.WaitForPostsAsync(1))[0];
        post.Body.ShouldAllBe(b => b < 0x80);
        post.Text.ShouldContain("\"name\":\"J\\u00fcrgen\"");
        post.Text.ShouldContain("\"body\":\"\\u00e4\\u00f6\\u00e5 \\ud83d\\udc4d\"");
        post.SignatureValid.ShouldBeTrue();
        post.Message["text"]!["body"]!.GetValue<string>().ShouldBe("äöå 👍");
    }

    [Fact]
    public async Task Signature_matches_the_reference_test_vector()
    {
        // Same payload as signature-test-vectors.json "escaped_non_ascii", signed by the emulator's writer.
        var vectors = Fixture.Load("whatsapp/signature-test-vectors.json");
        var vector = vectors["vectors"]![1]!;
        var payload = JsonNode.Parse(vector["raw_body"]!.GetValue<string>())!;

        var body = Evertoken.Emulator.Internal.WebhookBody.Serialize(payload);

        Encoding.ASCII.GetString(body).ShouldBe(vector["raw_body"]!.GetValue<string>());
        Evertoken.Emulator.Internal.WebhookBody.Signature256(vectors["app_secret"]!.GetValue<string>(), body)
            .ShouldBe(vector["x_hub_signature_256"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("image", "webhook.message.image-message.json")]
    [InlineData("interactive", "webhook.message.interactive-button-reply-message.json")]
    [InlineData("button", "webhook.message.button-message.json")]
    [InlineData("reaction", "webhook.message.reaction-message.json")]
    public async Task Inbound_types_are_shaped_like_the_fixtures(string type, string fixture)
    {
        await using var world = await MessagingWorld.StartAsync();
        var expected = Fixture.Load($"whatsapp/{fixture}")["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!.AsObject();

        await world.InboundAsync(new
        {
            from = MessagingWorld.User,
            type,
            text = "Unsubscribe",
            caption = "Taj Mahal",
            message_id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI0RTJEOTc2ODVERUY5RDlGNkYA",
            emoji = "👍",
            reply_id = "cancel-button",
            context = expected["context"] is null ? null : new { id = "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJFNjk2OTMwNEZCQjhGMzUyQUYA" },
        });

        var message = (await world.Receiver.WaitForPostsAsync(1))[0].Message;
        message.ShouldHaveSameShape(expected);
        message["type"]!.GetValue<string>().ShouldBe(type);
    }

    [Theory]
    [InlineData("location", "webhook.message.location-message.json")]
    [InlineData("contacts", "webhook.message.contact-sharing-message.json")]
    public async Task Inbound_payload_objects_are_sent_as_given(string type, string fixture)
    {
        await using var world = await MessagingWorld.StartAsync();
        var expected = Fixture.Load($"whatsapp/{fixture}")["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!.AsObject();
        var body = new JsonObject { ["from"] = MessagingWorld.User, ["type"] = type, [type] = expected[type]!.DeepClone() };

        await world.InboundAsync(body.ToJsonString());

        var message = (await world.Receiver.WaitForPostsAsync(1))[0].Message;
        message[type]!.ToJsonString().ShouldBe(expected[type]!.ToJsonString());
        message["type"]!.GetValue<string>().ShouldBe(type);
    }

    [Fact]
    public async Task Raw_message_is_sent_as_given()
    {
        await using var world = await MessagingWorld.StartAsync();
        var raw = new JsonObject
        {
            ["from"] = MessagingWorld.User,
            ["id"] = "wamid.RAW1",
            ["timestamp"] = "1750000000",
            ["errors"] = new JsonArray(new JsonObject { ["code"] = 131051, ["title"] = "Message type unknown" }),
            ["type"] = "unsupported",
        };

        var answer = await world.InboundAsync(new JsonObject { ["from"] = MessagingWorld.User, ["raw"] = raw.DeepClone() }.ToJsonString());

        answer["wamid"]!.GetValue<string>().ShouldBe("wamid.RAW1");
        (await world.Receiver.WaitForPostsAsync(1))[0].Message.ToJsonString().ShouldBe(raw.ToJsonString());
    }

    [Fact]
    public async Task Inbound_without_a_callback_still_opens_the_window()
    {
        await using var world = await MessagingWorld.StartAsync(configureCallback: false);

        var answer = await world.InboundTextAsync();

        answer["delivery_id"].ShouldBeNull();
        world.State.LastInboundAt(world.Sample.PhoneNumberId, MessagingWorld.User).ShouldNotBeNull().ShouldBe(world.State.Clock.GetUtcNow(), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Inbound_without_from_is_a_bad_request()
    {
        await using var world = await MessagingWorld.StartAsync();

        using var response = await world.Emulator.Http.PostAsync(
            "_emulator/inbound", new StringContent("""{"text":"hi"}""", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Mark_as_read_of_an_inbound_message_succeeds()
    {
        await using var world = await MessagingWorld.StartAsync();
        var wamid = (await world.InboundTextAsync())["wamid"]!.GetValue<string>();
        var body = Fixture.Load("whatsapp/request.mark-as-read.json");
        body["message_id"] = wamid;

        var response = await world.SendAsync(body);

        response.Status.ShouldBe(HttpStatusCode.OK);
        response.Json.ToJsonString().ShouldBe(Fixture.Load("whatsapp/response.mark-as-read.json").ToJsonString());
    }

    [Fact]
    public async Task Mark_as_read_with_typing_indicator_succeeds()
    {
        await using var world = await MessagingWorld.StartAsync();
        var wamid = (await world.InboundTextAsync())["wamid"]!.GetValue<string>();
        var body = Fixture.Load("whatsapp/request.send-read-receipt-with-typing-indicator.json");
        body["message_id"] = wamid;

        var response = await world.SendAsync(body);

        response.Json["success"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Mark_as_read_of_an_unknown_or_outbound_message_is_131009()
    {
        await using var world = await MessagingWorld.StartAsync();
        var outbound = (await world.SendAsync(MessagingWorld.TemplateBody())).Json["messages"]![0]!["id"]!.GetValue<string>();

        var unknown = await world.SendAsync(Fixture.Load("whatsapp/request.mark-as-read.json"));
        var body = Fixture.Load("whatsapp/request.mark-as-read.json");
        body["message_id"] = outbound;
        var own = await world.SendAsync(body);

        unknown.ShouldBeGraphError(HttpStatusCode.BadRequest, 131009, "(#131009) Parameter value is not valid");
        own.ShouldBeGraphError(HttpStatusCode.BadRequest, 131009);
    }

    [Fact]
    public async Task Mark_as_read_after_30_days_is_131009()
    {
        await using var world = await MessagingWorld.StartAsync();
        var wamid = (await world.InboundTextAsync())["wamid"]!.GetValue<string>();
        world.State.Clock.Advance(TimeSpan.FromDays(31));
        var body = Fixture.Load("whatsapp/request.mark-as-read.json");
        body["message_id"] = wamid;

        (await world.SendAsync(body)).ShouldBeGraphError(HttpStatusCode.BadRequest, 131009);
    }
}
