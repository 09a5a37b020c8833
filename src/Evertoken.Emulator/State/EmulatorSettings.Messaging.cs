namespace Evertoken.Emulator;

// Switches of POST /{phone-number-id}/messages, inbound messages and webhook delivery (reference whatsapp-cloud-api.md
// §2.5, §4, §5). Exposed through /_emulator/settings in snake_case like the others.
public sealed partial class EmulatorSettings
{
    /// <summary>How long after a user's last inbound message free-form (non-template) messages are allowed. Default 24 hours.</summary>
    public double CustomerServiceWindowHours { get; set; } = 24;

    /// <summary>
    /// Answer a free-form message outside the customer service window with a synchronous 131047 error instead of
    /// accepting it and reporting a <c>failed</c> status webhook (Meta usually does the latter). Default false.
    /// </summary>
    public bool ReEngagementErrorSynchronous { get; set; }

    /// <summary>
    /// The pair rate limit (same business number to the same user): one message per this many seconds on average.
    /// Default 6 (reference §4.2: about one message every 6 seconds).
    /// </summary>
    public double PairRateLimitIntervalSeconds { get; set; } = 6;

    /// <summary>How many messages to one user may go out at once before the pair limit (131056) applies. Default 45 (figure quoted by BSPs, unconfirmed).</summary>
    public int PairRateLimitBurst { get; set; } = 45;

    /// <summary>The HTTP status of a 131056 answer: 400 in Meta's table, 429 reported by some integrators. Default 400.</summary>
    public int PairRateLimitHttpStatus { get; set; } = 400;

    /// <summary>
    /// Messages per second a business phone number may send (token bucket, one second of burst); over it the send
    /// fails with 130429. Clamped to 1..1000 (Meta: 80 by default, up to 1,000 after an upgrade). Default 80.
    /// </summary>
    public int ThroughputMessagesPerSecond { get; set; } = 80;

    /// <summary>The HTTP status of a 130429 answer: 400 in Meta's table copy, 429 in another mirror. Default 400.</summary>
    public int ThroughputHttpStatus { get; set; } = 400;

    /// <summary>Test-number mode: only recipients in <see cref="RecipientAllowList"/> may be messaged, others get 131030. Default false.</summary>
    public bool RecipientAllowListEnabled { get; set; }

    /// <summary>The allowed recipients (any format; compared by digits). Default empty.</summary>
    public IReadOnlyList<string> RecipientAllowList { get; set; } = [];

    /// <summary><c>messages[].message_status</c> of a template send; null leaves it out. Default <c>accepted</c>.</summary>
    public string? TemplateMessageStatus { get; set; } = "accepted";

    /// <summary>
    /// Pricing in status webhooks: <c>PMP</c> (per-message pricing, since 1 July 2025: <c>pricing</c> with a <c>type</c>)
    /// or <c>CBP</c> (conversation-based: <c>conversation</c> plus <c>pricing</c>). Default PMP.
    /// </summary>
    public string PricingModel { get; set; } = "PMP";

    /// <summary>The statuses reported for each accepted message, in order. Default sent, delivered, read.</summary>
    public IReadOnlyList<string> StatusWebhookSequence { get; set; } = ["sent", "delivered", "read"];

    /// <summary>Emulator-clock seconds between one status and the next (0 = all at once). Default 0.</summary>
    public double StatusWebhookIntervalSeconds { get; set; }

    /// <summary>The chance (0..1) that a status webhook is dropped and never sent. Default 0.</summary>
    public double StatusWebhookDropRate { get; set; }

    /// <summary>Send every status webhook twice (two deliveries with the same body). Default false.</summary>
    public bool DuplicateStatusWebhooks { get; set; }

    /// <summary>Report each message's statuses in reverse order (read before delivered before sent). Default false.</summary>
    public bool ReorderStatusWebhooks { get; set; }

    /// <summary>
    /// Redeliver every webhook once more after it was acknowledged, byte for byte, as Meta does for webhooks it
    /// believes unacknowledged: tests the receiver's deduplication. Default false.
    /// </summary>
    public bool RedeliverEveryWebhookOnce { get; set; }

    /// <summary>Emulator-clock seconds before the first retry of a failed delivery; each retry doubles it. Default 5.</summary>
    public double WebhookRetryInitialDelaySeconds { get; set; } = 5;

    /// <summary>The longest wait between two retries. Default 3600 (one hour).</summary>
    public double WebhookRetryMaxDelaySeconds { get; set; } = 3600;

    /// <summary>How long a failing delivery is retried before it is given up. Default 7 days (Meta retries for up to 7 days).</summary>
    public double WebhookRetryHorizonSeconds { get; set; } = 7 * 24 * 3600;

    /// <summary>How long one delivery attempt may take (real seconds). Meta's value is not documented. Default 10.</summary>
    public double WebhookTimeoutSeconds { get; set; } = 10;
}
