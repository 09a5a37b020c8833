using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The organisation on a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactOrg
{
    /// <summary>Company.</summary>
    [JsonPropertyName("company")]
    public string? Company { get; init; }

    /// <summary>Department.</summary>
    [JsonPropertyName("department")]
    public string? Department { get; init; }

    /// <summary>Job title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }
}
