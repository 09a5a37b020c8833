using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>value</c> of a change. For <c>field: messages</c> it holds <see cref="Messages"/> (inbound), <see cref="Statuses"/> (outbound delivery) or <see cref="Errors"/>; other fields keep their data in <c>Extra</c>.</summary>
public sealed record WebhookValue
{
    /// <summary><c>whatsapp</c>.</summary>
    [JsonPropertyName("messaging_product")]
    public string? MessagingProduct { get; init; }

    /// <summary>The business phone number the change concerns.</summary>
    [JsonPropertyName("metadata")]
    public WebhookMetadata? Metadata { get; init; }

    /// <summary>The users involved, with their profile names.</summary>
    [JsonPropertyName("contacts")]
    public IReadOnlyList<WebhookContact>? Contacts { get; init; }

    /// <summary>Inbound messages.</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyList<WebhookMessage>? Messages { get; init; }

    /// <summary>Status updates of messages we sent.</summary>
    [JsonPropertyName("statuses")]
    public IReadOnlyList<WebhookStatus>? Statuses { get; init; }

    /// <summary>App- or system-level errors not tied to one message.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<WebhookError>? Errors { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
