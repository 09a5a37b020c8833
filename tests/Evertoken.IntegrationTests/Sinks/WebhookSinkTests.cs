using System.Collections.Concurrent;
using System.Text.Json;
using Evertoken.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.Sinks;

public sealed class WebhookSinkTests : IAsyncLifetime
{
    private const string Secret = "whsec_shared_between_us";

    private readonly ObservingTimeProvider _time = new();
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<(bool Verified, JsonElement Body)> _received = new();
    private int _status = 200;
    private LoopbackApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await LoopbackApp.StartAsync(app => app.MapPost("/hooks/token", async (HttpRequest request) =>
        {
            // The receiver does what a user's endpoint would: verify over the raw bytes, then parse.
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            var raw = buffer.ToArray();
            var verified = WebhookSinkSignature.Verify(
                Secret,
                request.Headers[WebhookSinkSignature.TimestampHeader],
                request.Headers[WebhookSinkSignature.SignatureHeader],
                raw,
                _time.GetUtcNow());
            _received.Enqueue((verified, JsonDocument.Parse(raw).RootElement.Clone()));
            return Results.StatusCode(verified ? _status : 401);
        }));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private WebhookSink CreateSut(bool includeValue = false, string secret = Secret, string path = "hooks/token") =>
        new(_http, new WebhookSinkOptions { Url = new Uri(_app.BaseAddress, path), Secret = secret, IncludeValue = includeValue }, _time);

    [Fact]
    public async Task The_receiver_verifies_the_signature_and_gets_the_event_without_the_value()
    {
        var result = await CreateSut().PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.ShouldBe(SinkResult.Ok);
        var (verified, body) = _received.ShouldHaveSingleItem();
        verified.ShouldBeTrue();
        body.GetProperty("event").GetString().ShouldBe("token.rotated");
        body.GetProperty("name").GetString().ShouldBe("wedding-matcher");
        body.GetProperty("version").GetInt64().ShouldBe(3);
        body.GetProperty("fingerprint").GetString().ShouldBe(TestTokens.Push().Fingerprint);
        body.GetProperty("kind").GetString().ShouldBe("SystemUser");
        body.GetProperty("expires_at").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        body.TryGetProperty("value", out _).ShouldBeFalse();
        body.GetRawText().ShouldNotContain(TestTokens.Value);
    }

    [Fact]
    public async Task The_value_is_sent_only_when_asked()
    {
        var result = await CreateSut(includeValue: true).PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.ShouldBe(SinkResult.Ok);
        _received.ShouldHaveSingleItem().Body.GetProperty("value").GetString().ShouldBe(TestTokens.Value);
    }

    [Fact]
    public async Task A_never_expiring_token_has_a_null_expiry()
    {
        var push = TestTokens.Push() with { ExpiresAt = null };

        await CreateSut().PushAsync(push, TestContext.Current.CancellationToken);

        _received.ShouldHaveSingleItem().Body.GetProperty("expires_at").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_wrong_secret_fails_verification_and_is_permanent()
    {
        var result = await CreateSut(secret: "not-the-shared-secret").PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        _received.ShouldHaveSingleItem().Verified.ShouldBeFalse();
        result.Retryable.ShouldBeFalse();
        result.Error.ShouldNotBeNull().ShouldContain("HTTP 401");
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(410, false)]
    public async Task Statuses_map_to_transient_or_permanent(int status, bool retryable)
    {
        _status = status;

        var result = await CreateSut(includeValue: true).PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.Success.ShouldBeFalse();
        result.Retryable.ShouldBe(retryable);
        result.Error.ShouldNotBeNull().ShouldContain($"HTTP {status}");
        result.Error.ShouldNotContain(TestTokens.Value);
    }

    [Fact]
    public async Task An_unreachable_receiver_is_transient()
    {
        var closed = _app.BaseAddress;
        await _app.DisposeAsync();
        _app = await LoopbackApp.StartAsync(_ => { });
        var sink = new WebhookSink(_http, new WebhookSinkOptions { Url = new Uri(closed, "hooks/token"), Secret = Secret }, _time);

        var result = await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.Retryable.ShouldBeTrue();
        result.Error.ShouldNotBeNull().ShouldContain("Could not reach the webhook");
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("file:///etc/passwd")]
    public void Only_http_and_https_urls_are_accepted(string url) =>
        Should.Throw<ArgumentException>(() => new WebhookSink(_http, new WebhookSinkOptions { Url = new Uri(url), Secret = Secret }))
            .Message.ShouldContain("http or https");
}
