using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>One <c>entry[]</c> of a webhook: the changes of one WhatsApp Business Account.</summary>
public sealed record WebhookEntry
{
    /// <summary>The WhatsApp Business Account id.</summary>
    [JsonPropertyName("id")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Id { get; init; }

    /// <summary>The changes.</summary>
    [JsonPropertyName("changes")]
    public IReadOnlyList<WebhookChange> Changes { get; init; } = [];

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
