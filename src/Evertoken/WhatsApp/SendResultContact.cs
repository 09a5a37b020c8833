using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One entry of <c>contacts</c> in a send response.</summary>
public sealed record SendResultContact
{
    /// <summary>The <c>to</c> value as sent, e.g. <c>+15550001111</c>.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; init; }

    /// <summary>The normalised WhatsApp id, e.g. <c>15550001111</c>.</summary>
    [JsonPropertyName("wa_id")]
    public string? WaId { get; init; }

    /// <summary>The business-scoped user id, when the message went to one (2026 rollout).</summary>
    [JsonPropertyName("user_id")]
    public string? UserId { get; init; }
}
