using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The header of an interactive message: text (at most 60 characters) or media.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InteractiveHeader
{
    /// <summary><c>text</c>, <c>image</c>, <c>video</c> or <c>document</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The header text (type <c>text</c>).</summary>
    [JsonPropertyName("text")]
    public string? Text { get; init; }

    /// <summary>The header image (type <c>image</c>).</summary>
    [JsonPropertyName("image")]
    public MediaObject? Image { get; init; }

    /// <summary>The header video (type <c>video</c>).</summary>
    [JsonPropertyName("video")]
    public MediaObject? Video { get; init; }

    /// <summary>The header document (type <c>document</c>).</summary>
    [JsonPropertyName("document")]
    public MediaObject? Document { get; init; }
}
