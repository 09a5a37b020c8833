using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>location</c> object of a location message.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LocationContent
{
    /// <summary>Latitude in degrees, -90 to 90.</summary>
    [JsonPropertyName("latitude")]
    public double Latitude { get; init; }

    /// <summary>Longitude in degrees, -180 to 180.</summary>
    [JsonPropertyName("longitude")]
    public double Longitude { get; init; }

    /// <summary>Name of the place.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Address of the place.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; init; }
}
