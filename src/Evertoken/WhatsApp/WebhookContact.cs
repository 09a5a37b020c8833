using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>One <c>contacts[]</c> item of a change: a WhatsApp user.</summary>
public sealed record WebhookContact
{
    /// <summary>The user profile.</summary>
    [JsonPropertyName("profile")]
    public WebhookProfile? Profile { get; init; }

    /// <summary>The WhatsApp id (may be empty for username users).</summary>
    [JsonPropertyName("wa_id")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? WaId { get; init; }

    /// <summary>The business-scoped user id (2026 rollout).</summary>
    [JsonPropertyName("user_id")]
    public string? UserId { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
