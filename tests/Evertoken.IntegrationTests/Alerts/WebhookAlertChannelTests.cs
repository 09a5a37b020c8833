using System.Collections.Concurrent;
using System.Text.Json;
using Evertoken.Alerts;
using Evertoken.IntegrationTests.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.Alerts;

public sealed class WebhookAlertChannelTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private int _status = 200;
    private LoopbackApp _app = null!;

    public async ValueTask InitializeAsync() =>
        _app = await LoopbackApp.StartAsync(app => app.MapPost("/services/T000/B000/XXXX", async (HttpRequest request) =>
        {
            var body = await JsonDocument.ParseAsync(request.Body);
            _received.Enqueue(body.RootElement.Clone());
            return Results.StatusCode(_status);
        }));

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private WebhookAlertChannel CreateSut() =>
        new(_http, new WebhookAlertChannelOptions { Url = new Uri(_app.BaseAddress, "services/T000/B000/XXXX") });

    private static Alert SampleAlert() => new()
    {
        Kind = AlertKind.SinkFailed,
        TokenName = "shop",
        Sink = "netlify-prod",
        Cause = AlertCause.Credential,
        Message = "Token 'shop' could not be pushed to sink 'netlify-prod'.",
        At = new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task The_body_has_slack_text_and_our_own_fields()
    {
        (await CreateSut().SendAsync(SampleAlert(), TestContext.Current.CancellationToken)).ShouldBeTrue();

        var body = _received.ShouldHaveSingleItem();
        body.GetProperty("text").GetString().ShouldBe("Token 'shop' could not be pushed to sink 'netlify-prod'.");
        body.GetProperty("kind").GetString().ShouldBe("SinkFailed");
        body.GetProperty("token").GetString().ShouldBe("shop");
        body.GetProperty("cause").GetString().ShouldBe("Credential");
        body.GetProperty("sink").GetString().ShouldBe("netlify-prod");
        body.GetProperty("at").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
        body.GetProperty("reminder").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_refusing_receiver_is_reported_as_false()
    {
        _status = 500;

        (await CreateSut().SendAsync(SampleAlert(), TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public async Task An_unreachable_receiver_is_false_not_an_exception()
    {
        var sut = CreateSut();
        await _app.DisposeAsync();
        _app = await LoopbackApp.StartAsync(_ => { });

        (await sut.SendAsync(SampleAlert(), TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    [Fact]
    public void The_description_shows_the_host_only_because_the_hook_path_is_a_secret() =>
        CreateSut().Describe.ShouldBe("webhook:127.0.0.1");
}
