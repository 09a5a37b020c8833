using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// The messaging side of one emulated world: customer service windows, rate-limit buckets, inbound messages,
/// the apps' webhook callback URLs, the recorded deliveries and the dispatcher that posts them.
/// </summary>
internal sealed class MessagingState
{
    private const int DeliveryCapacity = 10_000;

    private static readonly HashSet<string> ReportableStatuses = new(StringComparer.Ordinal) { "sent", "delivered", "read", "played" };

    private readonly EmulatorState _world;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string PhoneNumberId, string WaId), DateTimeOffset> _lastInbound = [];
    private readonly Dictionary<string, TokenBucket> _throughput = new(StringComparer.Ordinal);
    private readonly Dictionary<(string PhoneNumberId, string WaId), TokenBucket> _pairs = [];
    private readonly Dictionary<(string PhoneNumberId, string WaId, string Category), (string Id, DateTimeOffset Expires)> _conversations = [];
    private readonly ConcurrentDictionary<string, WebhookTarget> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InboundMessage> _inbound = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, WebhookDelivery> _deliveries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WebhookDelivery> _deliveryOrder = new();
    private long _deliverySeq;

    public MessagingState(EmulatorState world)
    {
        _world = world;
        Dispatcher = new WebhookDispatcher(world, Repeat);
    }

    public WebhookDispatcher Dispatcher { get; }

    // --- Customer service window (reference §2.5) ---------------------------------------------------------------------

    public void RecordInbound(InboundMessage message)
    {
        _inbound[message.Wamid] = message;
        lock (_gate)
        {
            _lastInbound[(message.PhoneNumberId, message.From)] = message.ReceivedAt;
        }
    }

    public DateTimeOffset? LastInboundAt(string phoneNumberId, string waId)
    {
        lock (_gate)
        {
            return _lastInbound.TryGetValue((phoneNumberId, waId), out var at) ? at : null;
        }
    }

    public bool InCustomerServiceWindow(string phoneNumberId, string waId, DateTimeOffset now) =>
        LastInboundAt(phoneNumberId, waId) is { } last && now - last < TimeSpan.FromHours(Math.Max(0, _world.Settings.CustomerServiceWindowHours));

    public InboundMessage? FindInbound(string wamid) => _inbound.GetValueOrDefault(wamid);

    // --- Limits (reference §4.1, §4.2) -------------------------------------------------------------------------------

    /// <summary>Takes one message from the number's throughput bucket (capacity = one second of messages).</summary>
    public bool TryTakeThroughput(string phoneNumberId, DateTimeOffset now)
    {
        // REVIEW: Meta counts inbound and outbound messages against throughput; the emulator counts sends only, so an
        // injected inbound message never makes a send fail.

        var mps = Math.Clamp(_world.Settings.ThroughputMessagesPerSecond, 1, 1000);
        lock (_gate)
        {
            if (!_throughput.TryGetValue(phoneNumberId, out var bucket))
            {
                _throughput[phoneNumberId] = bucket = new TokenBucket();
            }

            return bucket.TryTake(now, mps, mps);
        }
    }

    /// <summary>Takes one message from the (number, user) pair bucket: a burst, then one per interval.</summary>
    public bool TryTakePair(string phoneNumberId, string waId, DateTimeOffset now)
    {
        var settings = _world.Settings;
        var burst = Math.Max(1, settings.PairRateLimitBurst);
        var perSecond = settings.PairRateLimitIntervalSeconds > 0 ? 1 / settings.PairRateLimitIntervalSeconds : double.PositiveInfinity;
        lock (_gate)
        {
            if (!_pairs.TryGetValue((phoneNumberId, waId), out var bucket))
            {
                _pairs[(phoneNumberId, waId)] = bucket = new TokenBucket();
            }

            return bucket.TryTake(now, burst, perSecond);
        }
    }

    // --- Webhook configuration ---------------------------------------------------------------------------------------

    public void SetTarget(WebhookTarget target) => _targets[target.AppId] = target;

    public bool RemoveTarget(string appId) => _targets.TryRemove(appId, out _);

    public IReadOnlyList<WebhookTarget> Targets => [.. _targets.Values.OrderBy(t => t.AppId, StringComparer.Ordinal)];

    /// <summary>
    /// Where a WABA's webhooks go: every subscribed app, at its subscription's override callback URL or else the
    /// app's own callback URL; an app with neither gets nothing (as on Meta).
    /// </summary>
    private List<(string AppId, string Url, string Secret)> Receivers(string wabaId)
    {
        var receivers = new List<(string, string, string)>();
        if (_world.FindWaba(wabaId) is not { } waba)
        {
            return receivers;
        }

        foreach (var subscription in waba.Subscriptions.OrderBy(s => s.AppId, StringComparer.Ordinal))
        {
            if (_world.FindApp(subscription.AppId) is not { } app)
            {
                continue;
            }

            var url = subscription.OverrideCallbackUri ?? _targets.GetValueOrDefault(app.Id)?.CallbackUrl;
            if (url is not null)
            {
                receivers.Add((app.Id, url, app.Secret));
            }
        }

        return receivers;
    }

    // --- Deliveries ----------------------------------------------------------------------------------------------------

    public IReadOnlyList<WebhookDeliveryInfo> Deliveries() => [.. _deliveryOrder.Select(d => d.Snapshot())];

    public WebhookDelivery? FindDelivery(string id) => _deliveries.GetValueOrDefault(id);

    /// <summary>Posts the same bytes again (Meta redelivers webhooks it thinks were not acknowledged).</summary>
    public WebhookDelivery Redeliver(WebhookDelivery original)
    {
        var copy = Repeat(original, _world.Clock.GetUtcNow());
        Dispatcher.Schedule(copy);
        return copy;
    }

    /// <summary>
    /// Creates the deliveries of one payload for every receiver of the WABA (same body, each app's signature),
    /// <paramref name="copies"/> times each, and schedules them unless <paramref name="drop"/>.
    /// </summary>
    public IReadOnlyList<WebhookDelivery> Emit(string wabaId, string kind, string detail, string? wamid, JsonObject payload, DateTimeOffset due, int copies = 1, bool drop = false)
    {
        var created = new List<WebhookDelivery>();
        var receivers = Receivers(wabaId);
        if (receivers.Count == 0)
        {
            return created;
        }

        var body = WebhookBody.Serialize(payload);
        var now = _world.Clock.GetUtcNow();
        foreach (var (appId, url, secret) in receivers)
        {
            string? first = null;
            for (var i = 0; i < copies; i++)
            {
                var delivery = new WebhookDelivery
                {
                    Id = NextDeliveryId(),
                    Kind = kind,
                    Detail = detail,
                    MessageId = wamid,
                    AppId = appId,
                    CallbackUrl = url,
                    Body = body,
                    Signature256 = WebhookBody.Signature256(secret, body),
                    Signature1 = WebhookBody.Signature1(secret, body),
                    CreatedAt = now,
                    DueAt = due,
                    RedeliveryOf = first,
                };
                first ??= delivery.Id;
                Record(delivery);
                created.Add(delivery);
                if (drop)
                {
                    delivery.MarkDropped();
                }
                else
                {
                    Dispatcher.Schedule(delivery);
                }
            }
        }

        return created;
    }

    // --- Status webhooks (reference §5.5) ------------------------------------------------------------------------------

    /// <summary>Schedules the status webhooks of an accepted message: the configured sequence, timing and faults.</summary>
    public void ReportAccepted(OutboundMessage message)
    {
        var settings = _world.Settings;
        var sequence = settings.StatusWebhookSequence.Where(ReportableStatuses.Contains).ToList();
        if (sequence.Count == 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(Math.Max(0, settings.StatusWebhookIntervalSeconds));
        var pricing = Pricing(message, settings.PricingModel);
        var order = Enumerable.Range(0, sequence.Count).ToList();
        if (settings.ReorderStatusWebhooks)
        {
            // Each status keeps its natural timestamp but they all go out together, last first (Meta: order not guaranteed).
            order.Reverse();
        }

        foreach (var i in order)
        {
            var at = message.AcceptedAt + (interval * i);
            var due = settings.ReorderStatusWebhooks ? message.AcceptedAt + (interval * (sequence.Count - 1)) : at;
            var status = StatusObject(message, sequence[i], at, pricing);
            var payload = WebhookPayloads.Envelope(message.Number.WabaId, message.Number, v => v["statuses"] = new JsonArray(status));
            var drop = settings.StatusWebhookDropRate > 0 && Random.Shared.NextDouble() < settings.StatusWebhookDropRate;
            Emit(message.Number.WabaId, "status", sequence[i], message.Wamid, payload, due, settings.DuplicateStatusWebhooks ? 2 : 1, drop);
        }
    }

    /// <summary>Reports the 131047 failure of a free-form message sent outside the window (fixture webhook.status.failed-131047.json).</summary>
    public void ReportReEngagementFailure(OutboundMessage message)
    {
        var status = new JsonObject
        {
            ["id"] = message.Wamid,
            ["status"] = "failed",
            ["timestamp"] = WebhookPayloads.Timestamp(message.AcceptedAt),
            ["recipient_id"] = message.WaId,
            ["errors"] = new JsonArray(WhatsAppErrors.WebhookError(131047, WhatsAppErrors.ReEngagementTitle, WhatsAppErrors.ReEngagementDetails)),
        };
        if (message.BizOpaqueCallbackData is { } opaque)
        {
            status["biz_opaque_callback_data"] = opaque;
        }

        var payload = WebhookPayloads.Envelope(message.Number.WabaId, message.Number, v => v["statuses"] = new JsonArray(status));
        Emit(message.Number.WabaId, "status", "failed", message.Wamid, payload, message.AcceptedAt);
    }

    private static JsonObject StatusObject(OutboundMessage message, string status, DateTimeOffset at, StatusPricing pricing)
    {
        var node = new JsonObject
        {
            ["id"] = message.Wamid,
            ["status"] = status,
            ["timestamp"] = WebhookPayloads.Timestamp(at),
            ["recipient_id"] = message.WaId,
        };

        // sent and delivered carry pricing (and, under CBP, the conversation; its expiry only on sent); read carries
        // neither (fixtures webhook.status.sent-cbp-with-conversation.json, delivered-pmp-with-contacts.json, read.json).
        if (status is "sent" or "delivered")
        {
            if (pricing.ConversationId is { } conversationId)
            {
                var conversation = new JsonObject { ["id"] = conversationId };
                if (status == "sent" && pricing.ConversationExpires is { } expires)
                {
                    conversation["expiration_timestamp"] = WebhookPayloads.Timestamp(expires);
                }

                conversation["origin"] = new JsonObject { ["type"] = pricing.Category };
                node["conversation"] = conversation;
            }

            var price = new JsonObject { ["billable"] = pricing.Billable, ["pricing_model"] = pricing.Model };
            if (pricing.PmpType is { } type)
            {
                price["type"] = type;
            }

            price["category"] = pricing.Category;
            node["pricing"] = price;
        }

        if (message.BizOpaqueCallbackData is { } opaque)
        {
            node["biz_opaque_callback_data"] = opaque;
        }

        return node;
    }

    /// <summary>
    /// PMP (reference §5.5): a free-form reply inside the window is free customer service; a template is a billable
    /// regular message. CBP: a conversation of the same category, opened for 24 hours.
    /// </summary>
    private StatusPricing Pricing(OutboundMessage message, string model)
    {
        // REVIEW: the template's category is unknown (no template store), so templates are priced as marketing, the
        // category of the fixture.
        var template = message.IsTemplate;
        if (!string.Equals(model, "CBP", StringComparison.OrdinalIgnoreCase))
        {
            return template
                ? new StatusPricing("PMP", true, "marketing", "regular", null, null)
                : new StatusPricing("PMP", false, "service", "free_customer_service", null, null);
        }

        var category = template ? "marketing" : "service";
        lock (_gate)
        {
            var key = (message.Number.Id, message.WaId, category);
            if (!_conversations.TryGetValue(key, out var conversation) || conversation.Expires <= message.AcceptedAt)
            {
                conversation = (RandomNumberGenerator.GetHexString(32, lowercase: true), message.AcceptedAt.AddHours(24));
                _conversations[key] = conversation;
            }

            return new StatusPricing("CBP", true, category, null, conversation.Id, conversation.Expires);
        }
    }

    private WebhookDelivery Repeat(WebhookDelivery original, DateTimeOffset now)
    {
        var copy = original.Repeat(NextDeliveryId(), now);
        Record(copy);
        return copy;
    }

    private string NextDeliveryId() => "dlv-" + Interlocked.Increment(ref _deliverySeq).ToString(CultureInfo.InvariantCulture);

    private void Record(WebhookDelivery delivery)
    {
        _deliveries[delivery.Id] = delivery;
        _deliveryOrder.Enqueue(delivery);
        while (_deliveryOrder.Count > DeliveryCapacity && _deliveryOrder.TryDequeue(out var old))
        {
            _deliveries.TryRemove(old.Id, out _);
        }
    }

    private sealed record StatusPricing(string Model, bool Billable, string Category, string? PmpType, string? ConversationId, DateTimeOffset? ConversationExpires);
}
