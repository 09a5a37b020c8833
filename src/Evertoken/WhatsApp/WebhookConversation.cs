using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>The <c>conversation</c> of a status (conversation-based pricing).</summary>
public sealed record WebhookConversation
{
    /// <summary>The conversation id.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>When the conversation window ends, unix seconds as a string.</summary>
    [JsonPropertyName("expiration_timestamp")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? ExpirationTimestamp { get; init; }

    /// <summary>Who opened the conversation.</summary>
    [JsonPropertyName("origin")]
    public WebhookConversationOrigin? Origin { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
