using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>profile</c> of a webhook contact.</summary>
public sealed record WebhookProfile
{
    /// <summary>The name the user set.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The WhatsApp username, when the user has one.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>The country code of the user.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
