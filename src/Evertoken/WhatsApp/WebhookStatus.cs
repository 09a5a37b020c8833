using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>One status update of a message we sent (reference §5.5).</summary>
public sealed record WebhookStatus
{
    /// <summary>The wamid of our message.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary><c>sent</c>, <c>delivered</c>, <c>read</c>, <c>failed</c> or <c>played</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Unix seconds, as a string.</summary>
    [JsonPropertyName("timestamp")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Timestamp { get; init; }

    /// <summary>The recipient's WhatsApp id (or group id).</summary>
    [JsonPropertyName("recipient_id")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? RecipientId { get; init; }

    /// <summary>The recipient's business-scoped user id (2026 rollout).</summary>
    [JsonPropertyName("recipient_user_id")]
    public string? RecipientUserId { get; init; }

    /// <summary>The <c>biz_opaque_callback_data</c> sent with the message.</summary>
    [JsonPropertyName("biz_opaque_callback_data")]
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>The conversation (conversation-based pricing, before July 2025).</summary>
    [JsonPropertyName("conversation")]
    public WebhookConversation? Conversation { get; init; }

    /// <summary>How the message is billed.</summary>
    [JsonPropertyName("pricing")]
    public WebhookPricing? Pricing { get; init; }

    /// <summary>Why the message failed (status <c>failed</c>).</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<WebhookError>? Errors { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
