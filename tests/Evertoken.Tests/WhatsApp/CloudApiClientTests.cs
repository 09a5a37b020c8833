using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.Graph;
using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;

namespace Evertoken.Tests.WhatsApp;

public class CloudApiClientTests
{
    private const string PhoneNumberId = "106540352242922";
    private const string MessagesUrl = "https://graph.example.test/v25.0/106540352242922/messages";

    private readonly StubHttpHandler _handler = new();

    private CloudApiClient CreateSut(string baseUrl = "https://graph.example.test/", string version = "v25.0", TimeSpan? timeout = null) =>
        new(new HttpClient(_handler), Options.Create(new GraphOptions
        {
            BaseUrl = new Uri(baseUrl),
            Version = version,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        }));

    [Fact]
    public async Task SendAsync_posts_the_message_json_to_version_phone_number_id_messages_and_returns_the_wamid()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.OK, WhatsAppFixtures.Text("response.send-message.json"));

        var result = await CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("+15550001111", "hello", previewUrl: true), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeTrue();
        result.Value.Wamid.ShouldBe("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA");
        result.Value.WaId.ShouldBe("15550001111");
        result.Value.Input.ShouldBe("+15550001111");
        var request = _handler.Requests.ShouldHaveSingleItem();
        request.ContentType.ShouldBe("application/json");
        JsonNode.DeepEquals(JsonNode.Parse(request.Body!), JsonNode.Parse("""
            {"messaging_product":"whatsapp","recipient_type":"individual","to":"+15550001111","type":"text",
             "text":{"body":"hello","preview_url":true}}
            """)).ShouldBeTrue(request.Body);
    }

    [Fact]
    public async Task The_base_url_may_have_a_path_and_no_trailing_slash()
    {
        _handler.On(HttpMethod.Post, "http://127.0.0.1:5555/emulator/v23.0/106540352242922/messages", HttpStatusCode.OK,
            WhatsAppFixtures.Text("response.send-message-with-message-status.json"));

        var result = await CreateSut("http://127.0.0.1:5555/emulator", "v23.0").SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);

        result.Value.MessageStatus.ShouldBe("accepted");
    }

    [Fact]
    public async Task An_invalid_message_throws_before_any_http_call()
    {
        var message = WhatsAppMessage.Buttons("15550001111", "Pick", new ReplyButton("a", "A"), new ReplyButton("b", "B"),
            new ReplyButton("c", "C"), new ReplyButton("d", "D"));

        var ex = await Should.ThrowAsync<MessageValidationException>(() => CreateSut().SendAsync(PhoneNumberId, message, TestContext.Current.CancellationToken));

        ex.Problems.ShouldHaveSingleItem();
        _handler.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("+15550001111")]
    [InlineData("../me")]
    public async Task A_phone_number_id_that_is_not_numeric_is_a_caller_bug(string phoneNumberId)
    {
        await Should.ThrowAsync<ArgumentException>(() => CreateSut().SendAsync(phoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken));
        _handler.Requests.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("error.send.131047-re-engagement.json", 400, WhatsAppErrorKind.OutsideCustomerServiceWindow, GraphErrorKind.BadRequest)]
    [InlineData("error.send.131056-pair-rate-limit.json", 400, WhatsAppErrorKind.PairRateLimited, GraphErrorKind.RateLimited)]
    [InlineData("error.send.130429-throughput.json", 400, WhatsAppErrorKind.ThroughputLimited, GraphErrorKind.RateLimited)]
    [InlineData("error.send.131030-not-in-allowed-list.json", 400, WhatsAppErrorKind.InvalidRecipient, GraphErrorKind.BadRequest)]
    [InlineData("error.graph.401-expired-token.json", 401, WhatsAppErrorKind.TokenExpired, GraphErrorKind.Expired)]
    // The spec's "invalid token" example also carries subcode 463, so it reads as expired too.
    [InlineData("error.graph.401-invalid-token.json", 401, WhatsAppErrorKind.TokenExpired, GraphErrorKind.Expired)]
    [InlineData("error.graph.400-invalid-fields.json", 400, WhatsAppErrorKind.InvalidParameter, GraphErrorKind.BadRequest)]
    [InlineData("error.graph.429-business-rate-limit.json", 429, WhatsAppErrorKind.RateLimited, GraphErrorKind.RateLimited)]
    [InlineData("error.graph.429-rate-limit-exceeded.json", 429, WhatsAppErrorKind.RateLimited, GraphErrorKind.RateLimited)]
    public async Task Meta_error_bodies_come_back_as_failed_results_with_their_whatsapp_kind(string fixture, int status, WhatsAppErrorKind kind, GraphErrorKind graphKind)
    {
        _handler.On(HttpMethod.Post, MessagesUrl, (HttpStatusCode)status, WhatsAppFixtures.Text(fixture));

        var result = await CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeFalse();
        result.Error.WhatsAppKind.ShouldBe(kind);
        result.Error.Kind.ShouldBe(graphKind);
        result.Error.HttpStatus.ShouldBe(status);
        result.Error.Details.ShouldBe(WhatsAppFixtures.Node(fixture)["error"]!["error_data"]?["details"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_server_error_without_a_graph_body_is_transient()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        var result = await CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);

        result.Error!.WhatsAppKind.ShouldBe(WhatsAppErrorKind.Transient);
        result.Error!.Kind.ShouldBe(GraphErrorKind.Transient);
        result.Error.HttpStatus.ShouldBe(502);
    }

    [Fact]
    public async Task A_refused_connection_is_an_unreachable_transient_failure()
    {
        _handler.OnAny((_, _) => throw new HttpRequestException("Connection refused"));

        var result = await CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);

        result.Error!.Code.ShouldBe(0);
        result.Error.WhatsAppKind.ShouldBe(WhatsAppErrorKind.Transient);
        result.Error.Message.ShouldContain("Connection refused");
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_transient_failure_but_caller_cancellation_throws()
    {
        _handler.OnAny(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });

        var timedOut = await CreateSut(timeout: TimeSpan.FromMilliseconds(50)).SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);
        timedOut.Error!.WhatsAppKind.ShouldBe(WhatsAppErrorKind.Transient);
        timedOut.Error!.Message.ShouldContain("No answer");

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), cancelled.Token));
    }

    [Fact]
    public async Task MarkAsReadAsync_posts_the_read_receipt_with_typing_indicator()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.OK, WhatsAppFixtures.Text("response.mark-as-read.json"));

        var result = await CreateSut().MarkAsReadAsync(PhoneNumberId, "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUYzMjEzNDM2RTZGQ0MzMDJBRgA=", typingIndicator: true, TestContext.Current.CancellationToken);

        result.Value.ShouldBeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(_handler.Requests.Single().Body!),
            WhatsAppFixtures.Node("request.send-read-receipt-with-typing-indicator.json")).ShouldBeTrue();
    }

    [Fact]
    public async Task MarkAsReadAsync_of_an_unknown_message_is_an_invalid_parameter()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.BadRequest,
            """{"error":{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009,"error_data":{"messaging_product":"whatsapp","details":"Message id is invalid"},"fbtrace_id":"X"}}""");

        var result = await CreateSut().MarkAsReadAsync(PhoneNumberId, "wamid.unknown", cancellationToken: TestContext.Current.CancellationToken);

        result.Error!.WhatsAppKind.ShouldBe(WhatsAppErrorKind.InvalidParameter);
        result.Error!.Details.ShouldBe("Message id is invalid");
    }

    [Fact]
    public async Task SendRawAsync_posts_pasted_json_unchanged_and_returns_metas_answer()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.OK, WhatsAppFixtures.Text("response.send-message.json"));
        using var pasted = JsonDocument.Parse("""{"messaging_product":"whatsapp","to":"15550001111","type":"order_details","interactive":{"x":1}}""");

        var result = await CreateSut().SendRawAsync(PhoneNumberId, pasted.RootElement, TestContext.Current.CancellationToken);

        result.Value.GetProperty("messages")[0].GetProperty("id").GetString().ShouldBe("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA");
        JsonNode.DeepEquals(JsonNode.Parse(_handler.Requests.Single().Body!), JsonNode.Parse(pasted.RootElement.GetRawText())).ShouldBeTrue();
    }

    [Fact]
    public async Task SendRawAsync_refuses_a_body_that_is_not_an_object()
    {
        using var pasted = JsonDocument.Parse("[1,2]");

        await Should.ThrowAsync<ArgumentException>(() => CreateSut().SendRawAsync(PhoneNumberId, pasted.RootElement, TestContext.Current.CancellationToken));
        _handler.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_success_status_with_an_unexpected_body_is_a_failure_not_an_exception()
    {
        _handler.On(HttpMethod.Post, MessagesUrl, HttpStatusCode.OK, "{\"unexpected\":true}");

        var result = await CreateSut().SendAsync(PhoneNumberId, WhatsAppMessage.Text("15550001111", "hi"), TestContext.Current.CancellationToken);

        result.IsSuccess.ShouldBeFalse();
        result.Error.Message.ShouldContain("not the expected response");
    }
}
