using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One contact card of a <c>contacts</c> message (the same schema Meta uses for inbound contacts).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactCard
{
    /// <summary>The contact's name; <c>formatted_name</c> is required.</summary>
    [JsonPropertyName("name")]
    public ContactName? Name { get; init; }

    /// <summary>Phone numbers.</summary>
    [JsonPropertyName("phones")]
    public IReadOnlyList<ContactPhone>? Phones { get; init; }

    /// <summary>Email addresses.</summary>
    [JsonPropertyName("emails")]
    public IReadOnlyList<ContactEmail>? Emails { get; init; }

    /// <summary>Postal addresses.</summary>
    [JsonPropertyName("addresses")]
    public IReadOnlyList<ContactAddress>? Addresses { get; init; }

    /// <summary>Organisation.</summary>
    [JsonPropertyName("org")]
    public ContactOrg? Org { get; init; }

    /// <summary>Web sites.</summary>
    [JsonPropertyName("urls")]
    public IReadOnlyList<ContactUrl>? Urls { get; init; }

    /// <summary>Birthday as <c>YYYY-MM-DD</c>.</summary>
    [JsonPropertyName("birthday")]
    public string? Birthday { get; init; }
}
