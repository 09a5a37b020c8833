using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>text</c> of an inbound text message.</summary>
public sealed record WebhookText
{
    /// <summary>The text.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
