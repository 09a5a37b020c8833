using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>origin</c> of a conversation.</summary>
public sealed record WebhookConversationOrigin
{
    /// <summary><c>user_initiated</c>, <c>business_initiated</c>, <c>referral_conversion</c>, <c>service</c>, <c>marketing</c>, ...</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
