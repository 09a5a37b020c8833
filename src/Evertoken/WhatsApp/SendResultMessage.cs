using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One entry of <c>messages</c> in a send response.</summary>
public sealed record SendResultMessage
{
    /// <summary>The wamid.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>Optional pacing status, e.g. <c>accepted</c>.</summary>
    [JsonPropertyName("message_status")]
    public string? MessageStatus { get; init; }
}
