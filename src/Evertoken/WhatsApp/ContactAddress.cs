using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>A postal address on a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactAddress
{
    /// <summary>Street.</summary>
    [JsonPropertyName("street")]
    public string? Street { get; init; }

    /// <summary>City.</summary>
    [JsonPropertyName("city")]
    public string? City { get; init; }

    /// <summary>State.</summary>
    [JsonPropertyName("state")]
    public string? State { get; init; }

    /// <summary>Postal code.</summary>
    [JsonPropertyName("zip")]
    public string? Zip { get; init; }

    /// <summary>Country name.</summary>
    [JsonPropertyName("country")]
    public string? Country { get; init; }

    /// <summary>Two-letter country code.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }

    /// <summary><c>HOME</c> or <c>WORK</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}
