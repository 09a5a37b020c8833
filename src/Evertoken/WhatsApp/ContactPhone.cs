using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>A phone number on a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactPhone
{
    /// <summary>The number as written.</summary>
    [JsonPropertyName("phone")]
    public string? Phone { get; init; }

    /// <summary><c>HOME</c>, <c>WORK</c>, <c>MOBILE</c>, ...</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The WhatsApp id of the number, when known.</summary>
    [JsonPropertyName("wa_id")]
    public string? WaId { get; init; }
}
