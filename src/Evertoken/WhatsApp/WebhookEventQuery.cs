namespace Evertoken.WhatsApp;

/// <summary>A filter over stored webhook events; null properties do not filter. Results come oldest first.</summary>
public sealed record WebhookEventQuery
{
    /// <summary>The largest page. 1000.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Only events of this business phone number id.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>Only events of this kind.</summary>
    public WebhookEventKind? Kind { get; init; }

    /// <summary>Only messages of this raw type (<c>text</c>, <c>image</c>, ...).</summary>
    public string? MessageType { get; init; }

    /// <summary>Only statuses with this value (<c>delivered</c>, <c>failed</c>, ...).</summary>
    public string? Status { get; init; }

    /// <summary>Only events about this wamid (the message and all its statuses).</summary>
    public string? Wamid { get; init; }

    /// <summary>Only events received at or after this time.</summary>
    public DateTimeOffset? ReceivedFrom { get; init; }

    /// <summary>Only events received before this time.</summary>
    public DateTimeOffset? ReceivedBefore { get; init; }

    /// <summary>The cursor: only events stored after this event id (use <see cref="WebhookEventPage.NextAfter"/>).</summary>
    public long? After { get; init; }

    /// <summary>Page size, 1 to <see cref="MaxLimit"/>. Default 100.</summary>
    public int Limit { get; init; } = 100;
}
