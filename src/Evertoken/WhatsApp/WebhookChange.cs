using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One <c>changes[]</c> item: the subscribed <see cref="Field"/> and its value.</summary>
public sealed record WebhookChange
{
    /// <summary><c>messages</c> for messages, statuses and errors; other fields (<c>account_update</c>,
    /// <c>message_template_status_update</c>, ...) are separate subscriptions.</summary>
    [JsonPropertyName("field")]
    public string? Field { get; init; }

    /// <summary>The value; its shape depends on <see cref="Field"/>.</summary>
    [JsonPropertyName("value")]
    public WebhookValue? Value { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
