using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>error_data</c> of a webhook error.</summary>
public sealed record WebhookErrorData
{
    /// <summary>The details text.</summary>
    [JsonPropertyName("details")]
    public string? Details { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
