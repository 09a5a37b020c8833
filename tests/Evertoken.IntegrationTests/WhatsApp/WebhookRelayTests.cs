using System.Collections.Concurrent;
using Evertoken.Alerts;
using Evertoken.IntegrationTests.Sinks;
using Evertoken.Sinks;
using Evertoken.WhatsApp;
using Evertoken.WhatsApp.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.WhatsApp;

public sealed class WebhookRelayTests : IAsyncLifetime
{
    private const string OurSecret = "relay-shared-secret";
    private const string MetaSecret = "app-secret-of-the-receiver";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "evertoken-relay-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
    private readonly CapturingChannel _alerts = new();
    private readonly List<IAsyncDisposable> _owned = [];
    private SqliteWebhookInbox _inbox = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _inbox = new SqliteWebhookInbox(Options.Create(new WebhookInboxOptions { DatabasePath = Path.Combine(_folder, "webhooks.db") }));
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        await _inbox.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    [Fact]
    public async Task A_stored_payload_reaches_the_target_with_our_signature_and_Meta_format_re_signature()
    {
        var receiver = await StartReceiverAsync();
        var relay = await CreateRelayAsync(receiver.Target("app"));
        var body = WebhookFixtures.Bytes("webhook.message.text-message.json");
        await AppendAsync("webhook.message.text-message.json");

        var run = await relay.RunOnceAsync(Ct);

        run.ShouldBe(new WebhookRelayRunResult(1, 1, 0, 0));
        var got = receiver.Received.ShouldHaveSingleItem();
        got.Body.ShouldBe(body);
        WebhookSinkSignature.Verify(OurSecret, got.Timestamp, got.Signature, got.Body, _time.GetUtcNow()).ShouldBeTrue();
        WebhookSignature.Verify(got.Body, got.MetaSignature, MetaSecret).ShouldBeTrue();
        got.PayloadId.ShouldBe("1");
        (await _inbox.GetPayloadAsync(1, Ct))!.RelayState.ShouldBe("delivered");
        (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);
    }

    [Fact]
    public async Task A_redelivery_with_only_known_events_is_not_relayed_again()
    {
        var receiver = await StartReceiverAsync();
        var relay = await CreateRelayAsync(receiver.Target("app"));
        await AppendAsync("webhook.status.read.json");
        await AppendAsync("webhook.status.read.json");

        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);
        (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);
        receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task One_delivery_per_target_and_phone_number_is_in_flight_so_a_conversation_keeps_its_order()
    {
        var receiver = await StartReceiverAsync();
        var relay = await CreateRelayAsync(receiver.Target("app"));
        await AppendAsync("webhook.status.sent-cbp-with-conversation.json");
        await AppendAsync("webhook.status.delivered-pmp-with-contacts.json", phoneNumberId: "200000000000001");
        await AppendAsync("webhook.status.read.json");
        await AppendAsync("webhook.status.failed-131047.json");

        var first = await relay.RunOnceAsync(Ct);

        // Two numbers: the head of each queue goes, the rest of number 1's queue waits its turn.
        first.Delivered.ShouldBe(2);
        receiver.Received.Select(r => r.PayloadId).Order().ShouldBe(["1", "2"]);
        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);
        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);
        (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);
        receiver.Received.Where(r => r.PayloadId != "2").Select(r => r.PayloadId).ShouldBe(["1", "3", "4"]);
    }

    [Fact]
    public async Task A_target_that_is_down_is_retried_with_growing_waits_then_dead_lettered_with_an_alert_and_recovered_later()
    {
        var receiver = await StartReceiverAsync();
        receiver.Failing = true;
        var relay = await CreateRelayAsync(receiver.Target("app"), giveUpAfter: TimeSpan.FromDays(7));
        await AppendAsync("webhook.message.text-message.json");

        var waits = new List<TimeSpan>();
        WebhookRelayRunResult run;
        var attempts = 0;
        do
        {
            run = await relay.RunOnceAsync(Ct);
            run.Attempted.ShouldBe(1);
            attempts++;
            var delivery = (await relay.GetStatusAsync(Ct)).Deliveries.ShouldHaveSingleItem();
            if (delivery.State == "pending")
            {
                // Nothing is due before the scheduled time...
                var wait = delivery.NextAttemptAt!.Value - _time.GetUtcNow();
                waits.Add(wait);
                _time.Advance(wait - TimeSpan.FromMilliseconds(1));
                (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);
                _time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }
        while (run.Dead == 0 && attempts < 1000);

        run.Dead.ShouldBe(1);
        waits[1].ShouldBeGreaterThan(waits[0]);
        waits.Max().ShouldBeLessThanOrEqualTo(TimeSpan.FromHours(1.2));
        waits.Aggregate(TimeSpan.Zero, (a, b) => a + b).ShouldBe(TimeSpan.FromDays(7));
        receiver.Received.Count.ShouldBe(attempts);
        (await _inbox.GetPayloadAsync(1, Ct))!.RelayState.ShouldBe("dead");
        var alert = _alerts.Alerts.ShouldHaveSingleItem();
        (alert.Kind, alert.Sink, alert.TokenName).ShouldBe((AlertKind.SinkFailed, "app", WebhookRelay.AlertTokenName));
        var target = (await relay.GetStatusAsync(Ct)).Targets.ShouldHaveSingleItem();
        (target.Dead, target.Pending, target.Delivered).ShouldBe((1, 0, 0));

        receiver.Failing = false;
        (await relay.RequeuePayloadAsync(1, Ct)).ShouldBe(1);
        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);
        _alerts.Alerts.Last().Kind.ShouldBe(AlertKind.Recovered);
        (await _inbox.GetPayloadAsync(1, Ct))!.RelayState.ShouldBe("delivered");
    }

    [Fact]
    public async Task An_unreachable_target_counts_as_a_failed_attempt()
    {
        var relay = await CreateRelayAsync(new WebhookRelayTarget { Name = "gone", Url = new Uri($"http://127.0.0.1:{FreePort()}/hook"), Secret = OurSecret });
        await AppendAsync("webhook.message.text-message.json");

        var run = await relay.RunOnceAsync(Ct);

        run.ShouldBe(new WebhookRelayRunResult(1, 0, 1, 0));
        var delivery = (await relay.GetStatusAsync(Ct)).Deliveries.ShouldHaveSingleItem();
        (delivery.State, delivery.Attempts, delivery.LastStatus).ShouldBe(("pending", 1, (int?)null));
        delivery.LastError.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_delivery_claimed_by_a_process_that_died_is_taken_again_once_its_lease_runs_out()
    {
        var receiver = await StartReceiverAsync();
        var relay = await CreateRelayAsync(receiver.Target("app"));
        await AppendAsync("webhook.message.text-message.json");
        // A crashed relay: it claimed the delivery (with a 2 minute lease) and never reported back.
        var store = new WebhookRelayStore(_inbox.ConnectionString);
        var now = _time.GetUtcNow();
        (await store.ClaimAsync([1], now.ToUnixTimeMilliseconds(), (now + TimeSpan.FromMinutes(2)).ToUnixTimeMilliseconds(), 10, Ct)).ShouldHaveSingleItem();

        (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);
        _time.Advance(TimeSpan.FromMinutes(2));
        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);

        receiver.Received.ShouldHaveSingleItem().Attempt.ShouldBe("2");
    }

    [Fact]
    public async Task A_target_limited_to_one_phone_number_only_gets_that_numbers_payloads()
    {
        var receiver = await StartReceiverAsync();
        var relay = await CreateRelayAsync(receiver.Target("only-two", phoneNumberId: "200000000000001"));
        await AppendAsync("webhook.status.sent-cbp-with-conversation.json");
        await AppendAsync("webhook.status.read.json", phoneNumberId: "200000000000001");

        (await relay.RunOnceAsync(Ct)).Delivered.ShouldBe(1);
        (await relay.RunOnceAsync(Ct)).Attempted.ShouldBe(0);

        receiver.Received.ShouldHaveSingleItem().PayloadId.ShouldBe("2");
    }

    [Fact]
    public async Task A_target_pointing_at_our_own_listening_address_is_disabled()
    {
        var relay = await CreateRelayAsync(new WebhookRelayTarget { Name = "loop", Url = new Uri("http://127.0.0.1:45678/webhooks/whatsapp"), Secret = OurSecret });

        var disabled = await relay.DisableLoopingTargetsAsync([new Uri("http://127.0.0.1:45678")], Ct);

        disabled.ShouldBe(["loop"]);
        relay.ActiveTargets.ShouldBeEmpty();
        (await relay.GetStatusAsync(Ct)).Targets.ShouldHaveSingleItem().Enabled.ShouldBeFalse();
    }

    // Initialized like the hosted service at start: the targets are recorded before any payload arrives.
    private async Task<WebhookRelay> CreateRelayAsync(WebhookRelayTarget target, TimeSpan? giveUpAfter = null)
    {
        var relay = new WebhookRelay(_inbox, Options.Create(new WebhookRelayOptions
        {
            Targets = [target],
            GiveUpAfter = giveUpAfter ?? TimeSpan.FromDays(7),
        }), new PlainHttpClientFactory(), new AlertManager([_alerts], _time), _time);
        await relay.InitializeAsync(Ct);
        return relay;
    }

    private async Task AppendAsync(string fixture, string? phoneNumberId = null)
    {
        var node = WebhookFixtures.Node(fixture);
        if (phoneNumberId is not null)
        {
            node["entry"]![0]!["changes"]![0]!["value"]!["metadata"]!["phone_number_id"] = phoneNumberId;
        }

        var body = System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
        if (phoneNumberId is null)
        {
            body = WebhookFixtures.Bytes(fixture);
        }

        WebhookEventExtractor.TryValidate(body, out var error).ShouldBeTrue(error);
        var appended = await _inbox.AppendAsync(body, _time.GetUtcNow(), Ct);
        // The relay sees a payload once the indexer has queued its deliveries.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await _inbox.WaitForIndexAsync(appended.PayloadId, deadline.Token);
    }

    private async Task<Receiver> StartReceiverAsync()
    {
        var receiver = new Receiver();
        var app = await LoopbackApp.StartAsync(web => web.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            receiver.Received.Enqueue(new ReceivedPost(buffer.ToArray(),
                http.Request.Headers[WebhookSinkSignature.TimestampHeader].ToString(),
                http.Request.Headers[WebhookSinkSignature.SignatureHeader].ToString(),
                http.Request.Headers[WebhookSignature.HeaderName].ToString(),
                http.Request.Headers[WebhookRelay.PayloadIdHeader].ToString(),
                http.Request.Headers[WebhookRelay.AttemptHeader].ToString()));
            return receiver.Failing ? Results.StatusCode(503) : Results.Ok();
        }));
        _owned.Add(app);
        receiver.BaseAddress = app.BaseAddress;
        return receiver;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record ReceivedPost(byte[] Body, string Timestamp, string Signature, string MetaSignature, string PayloadId, string Attempt);

    private sealed class Receiver
    {
        public ConcurrentQueue<ReceivedPost> Received { get; } = new();

        public volatile bool Failing;

        public Uri BaseAddress { get; set; } = null!;

        public WebhookRelayTarget Target(string name, string phoneNumberId = WebhookRelayTarget.AnyPhoneNumber) => new()
        {
            Name = name,
            Url = new Uri(BaseAddress, "hook"),
            PhoneNumberId = phoneNumberId,
            Secret = OurSecret,
            MetaSecret = MetaSecret,
        };
    }

    private sealed class CapturingChannel : IAlertChannel
    {
        public ConcurrentQueue<Alert> Alerts { get; } = new();

        public string Describe => "test";

        public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default)
        {
            Alerts.Enqueue(alert);
            return Task.FromResult(true);
        }
    }
}

/// <summary>An IHttpClientFactory without pooling, for tests that build services by hand.</summary>
internal sealed class PlainHttpClientFactory : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(60) };
}
