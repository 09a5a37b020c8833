using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>name</c> of a contact card.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactName
{
    /// <summary>The full name as shown (required by Meta).</summary>
    [JsonPropertyName("formatted_name")]
    public string? FormattedName { get; init; }

    /// <summary>First name.</summary>
    [JsonPropertyName("first_name")]
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    [JsonPropertyName("last_name")]
    public string? LastName { get; init; }

    /// <summary>Middle name.</summary>
    [JsonPropertyName("middle_name")]
    public string? MiddleName { get; init; }

    /// <summary>Name prefix, e.g. <c>Dr</c>.</summary>
    [JsonPropertyName("prefix")]
    public string? Prefix { get; init; }

    /// <summary>Name suffix, e.g. <c>Jr</c>.</summary>
    [JsonPropertyName("suffix")]
    public string? Suffix { get; init; }
}
