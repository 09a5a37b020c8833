using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>One inbound message (reference §5.4). The common fields are typed; the type-specific object (<c>image</c>, <c>interactive</c>, <c>button</c>, <c>order</c>, ...) is in <c>Extra</c> under its type name.</summary>
public sealed record WebhookMessage
{
    /// <summary>The sender's WhatsApp id.</summary>
    [JsonPropertyName("from")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? From { get; init; }

    /// <summary>The sender's business-scoped user id (2026 rollout).</summary>
    [JsonPropertyName("from_user_id")]
    public string? FromUserId { get; init; }

    /// <summary>The wamid of the message.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Unix seconds, as a string.</summary>
    [JsonPropertyName("timestamp")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Timestamp { get; init; }

    /// <summary><c>text</c>, <c>image</c>, <c>interactive</c>, <c>button</c>, <c>reaction</c>, <c>system</c>, <c>unsupported</c>, ...</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The message replied to or the product asked about.</summary>
    [JsonPropertyName("context")]
    public WebhookMessageContext? Context { get; init; }

    /// <summary>The text of a <c>text</c> message.</summary>
    [JsonPropertyName("text")]
    public WebhookText? Text { get; init; }

    /// <summary>Errors, e.g. 131051 on an <c>unsupported</c> message.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<WebhookError>? Errors { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
