using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>typing_indicator</c> object sent with a read receipt.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TypingIndicator
{
    /// <summary>Always <c>text</c>. Default <c>text</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "text";
}
