using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>An email address on a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactEmail
{
    /// <summary>The address.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary><c>HOME</c> or <c>WORK</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}
