using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>A web site on a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactUrl
{
    /// <summary>The URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary><c>HOME</c> or <c>WORK</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}
