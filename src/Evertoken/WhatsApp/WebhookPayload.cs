using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>A webhook POST body from Meta (reference §5.3). Tolerant: unknown fields are kept in <c>Extra</c>. Parse it and get flat events with <see cref="WebhookEventExtractor"/>.</summary>
public sealed record WebhookPayload
{
    /// <summary><c>whatsapp_business_account</c> for WhatsApp webhooks.</summary>
    [JsonPropertyName("object")]
    public string? Object { get; init; }

    /// <summary>One entry per WhatsApp Business Account.</summary>
    [JsonPropertyName("entry")]
    public IReadOnlyList<WebhookEntry> Entry { get; init; } = [];

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
