namespace Evertoken.WhatsApp;

/// <summary>A webhook POST body as received, with what the inbox made of it.</summary>
public sealed record StoredWebhookPayload
{
    /// <summary>The payload id.</summary>
    public long Id { get; init; }

    /// <summary>When it was received.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The exact bytes Meta sent (the signature was computed over them).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Events in the payload.</summary>
    public int EventCount { get; init; }

    /// <summary>Of which stored for the first time.</summary>
    public int NewEventCount { get; init; }

    /// <summary>Of which already stored (redelivered).</summary>
    public int DuplicateEventCount { get; init; }

    /// <summary>Relay state: <c>none</c> (nothing new to forward), <c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    public string RelayState { get; init; } = "none";
}
