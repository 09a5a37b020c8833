using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// One flat event taken out of a webhook payload by <see cref="WebhookEventExtractor"/>: an inbound message, a
/// status, an error or another change, with the ids needed to route and deduplicate it and the raw JSON of the
/// item (never dropped).
/// </summary>
public sealed record WebhookEvent
{
    /// <summary>What the event reports.</summary>
    [JsonPropertyName("kind")]
    public WebhookEventKind Kind { get; init; }

    /// <summary>The change's <c>field</c>, e.g. <c>messages</c>.</summary>
    [JsonPropertyName("field")]
    public string Field { get; init; } = "";

    /// <summary>The WhatsApp Business Account id (<c>entry[].id</c>).</summary>
    [JsonPropertyName("waba_id")]
    public string? WabaId { get; init; }

    /// <summary>The business phone number id (<c>value.metadata.phone_number_id</c>).</summary>
    [JsonPropertyName("phone_number_id")]
    public string? PhoneNumberId { get; init; }

    /// <summary>The business number as displayed.</summary>
    [JsonPropertyName("display_phone_number")]
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>For messages: the raw <c>type</c> (<c>text</c>, <c>image</c>, ..., <c>unknown</c> when absent).</summary>
    [JsonPropertyName("message_type")]
    public string? MessageType { get; init; }

    /// <summary>The wamid: the message id for messages, the id of our message for statuses.</summary>
    [JsonPropertyName("wamid")]
    public string? Wamid { get; init; }

    /// <summary>For statuses: <c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c>, <c>played</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>For messages: the sender's WhatsApp id.</summary>
    [JsonPropertyName("from")]
    public string? From { get; init; }

    /// <summary>For messages: the sender's profile name from <c>value.contacts</c>, when given.</summary>
    [JsonPropertyName("from_name")]
    public string? FromName { get; init; }

    /// <summary>For statuses: the recipient's WhatsApp id.</summary>
    [JsonPropertyName("recipient_id")]
    public string? RecipientId { get; init; }

    /// <summary>When Meta says it happened (the item's <c>timestamp</c>), when present.</summary>
    [JsonPropertyName("timestamp")]
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>The errors of a failed status, of an unsupported message, or the error itself for <see cref="WebhookEventKind.Error"/>.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<WebhookError> Errors { get; init; } = [];

    /// <summary>For statuses: the pricing object.</summary>
    [JsonPropertyName("pricing")]
    public WebhookPricing? Pricing { get; init; }

    /// <summary>For statuses: the conversation object (conversation-based pricing).</summary>
    [JsonPropertyName("conversation")]
    public WebhookConversation? Conversation { get; init; }

    /// <summary>The exact JSON text of the item: the message, status or error object, or the whole <c>value</c> for <see cref="WebhookEventKind.Other"/>.</summary>
    [JsonPropertyName("raw_json")]
    public string RawJson { get; init; } = "";

    /// <summary>
    /// The key Meta's redeliveries share: <c>msg:&lt;wamid&gt;</c> for a message, <c>status:&lt;wamid&gt;:&lt;status&gt;</c>
    /// for a status, <c>error:&lt;sha256 of the item JSON&gt;</c> or <c>other:&lt;sha256&gt;</c> otherwise (those have no id).
    /// </summary>
    [JsonPropertyName("dedup_key")]
    public string DedupKey { get; init; } = "";
}
