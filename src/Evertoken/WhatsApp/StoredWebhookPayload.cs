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

    /// <summary>Events in the payload; 0 until it is indexed.</summary>
    public int EventCount { get; init; }

    /// <summary>Of which stored for the first time; 0 until it is indexed.</summary>
    public int NewEventCount { get; init; }

    /// <summary>Of which already stored (redelivered); 0 until it is indexed.</summary>
    public int DuplicateEventCount { get; init; }

    /// <summary>
    /// <c>unindexed</c> (stored, events not extracted yet), <c>indexed</c> (events stored or counted, relay queued) or
    /// <c>failed</c> (its events could not be read: see <see cref="IndexError"/>; the body is kept).
    /// </summary>
    public string IndexState { get; init; } = "indexed";

    /// <summary>Why its events could not be read, when <see cref="IndexState"/> is <c>failed</c>.</summary>
    public string? IndexError { get; init; }

    /// <summary>Relay state: <c>none</c> (nothing new to forward), <c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    public string RelayState { get; init; } = "none";
}
