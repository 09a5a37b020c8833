using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>body</c> or <c>footer</c> of an interactive message.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InteractiveText
{
    /// <summary>The text.</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }
}
