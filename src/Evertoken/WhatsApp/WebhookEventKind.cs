namespace Evertoken.WhatsApp;

/// <summary>What a <see cref="WebhookEvent"/> reports.</summary>
public enum WebhookEventKind
{
    /// <summary>An inbound message from a user (<c>value.messages[]</c>).</summary>
    Message,

    /// <summary>A status of a message we sent (<c>value.statuses[]</c>).</summary>
    Status,

    /// <summary>An app- or system-level error (<c>value.errors[]</c>).</summary>
    Error,

    /// <summary>Any other change: other fields (<c>account_update</c>, template status, groups, ...) or a
    /// <c>messages</c> value with none of the above. The whole <c>value</c> is kept as the raw JSON.</summary>
    Other,
}
