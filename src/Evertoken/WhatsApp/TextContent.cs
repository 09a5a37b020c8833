using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>text</c> object of a text message.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TextContent
{
    /// <summary>The text, at most 4096 characters.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; init; }

    /// <summary>Render a preview of the first link in <see cref="Body"/>.</summary>
    [JsonPropertyName("preview_url")]
    public bool? PreviewUrl { get; init; }
}
