using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>The <c>context</c> of an inbound message.</summary>
public sealed record WebhookMessageContext
{
    /// <summary>The sender of the message replied to (our business number for a button tap).</summary>
    [JsonPropertyName("from")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? From { get; init; }

    /// <summary>The wamid of the message replied to.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>True when the message was forwarded.</summary>
    [JsonPropertyName("forwarded")]
    public bool? Forwarded { get; init; }

    /// <summary>True when the message was forwarded many times.</summary>
    [JsonPropertyName("frequently_forwarded")]
    public bool? FrequentlyForwarded { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
