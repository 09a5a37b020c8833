namespace Evertoken.Emulator;

/// <summary>
/// One webhook POST the emulator made or will make to an app's callback URL, as listed by
/// <c>GET /_emulator/webhooks/deliveries</c> and <see cref="EmulatorState.WebhookDeliveries"/>. The body is the exact
/// ASCII text sent and signed.
/// </summary>
public sealed record WebhookDeliveryInfo
{
    /// <summary>The delivery id (e.g. <c>dlv-12</c>), used to redeliver it.</summary>
    public required string Id { get; init; }

    /// <summary>What the payload carries: <c>status</c> or <c>message</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The status (<c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c>) or the inbound message type.</summary>
    public required string Detail { get; init; }

    /// <summary>The <c>wamid</c> the payload is about.</summary>
    public string? MessageId { get; init; }

    /// <summary>The subscribed app whose secret signed the body.</summary>
    public required string AppId { get; init; }

    /// <summary>Where it is posted.</summary>
    public required string CallbackUrl { get; init; }

    /// <summary>Where it stands.</summary>
    public required WebhookDeliveryState State { get; init; }

    /// <summary>How many POSTs were made so far.</summary>
    public int Attempts { get; init; }

    /// <summary>The HTTP status of the last attempt; null before the first or when no answer came.</summary>
    public int? LastStatus { get; init; }

    /// <summary>Why the last attempt got no answer (e.g. <c>timeout</c>, <c>ConnectionError</c>), or null.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was created (emulator clock).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it is (or was) due (emulator clock).</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>When the next retry is due, while <see cref="WebhookDeliveryState.Retrying"/>.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the receiver acknowledged it.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>The delivery this one repeats byte for byte, for a redelivery; otherwise null.</summary>
    public string? RedeliveryOf { get; init; }

    /// <summary>The <c>X-Hub-Signature-256</c> header value.</summary>
    public required string Signature { get; init; }

    /// <summary>The body as sent (ASCII JSON).</summary>
    public required string Body { get; init; }
}
