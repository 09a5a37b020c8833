using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// An <c>image</c>/<c>audio</c>/<c>video</c>/<c>document</c>/<c>sticker</c> object, also used by template media
/// parameters: exactly one of <see cref="Id"/> (an uploaded media id) or <see cref="Link"/> (an https URL).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MediaObject
{
    /// <summary>The media id returned by <c>POST /{phone-number-id}/media</c>.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>A public URL WhatsApp downloads the media from.</summary>
    [JsonPropertyName("link")]
    public string? Link { get; init; }

    /// <summary>Caption (image, video, document only).</summary>
    [JsonPropertyName("caption")]
    public string? Caption { get; init; }

    /// <summary>File name shown to the user (document only).</summary>
    [JsonPropertyName("filename")]
    public string? Filename { get; init; }

    /// <summary>Media by uploaded id.</summary>
    public static MediaObject ById(string id, string? caption = null, string? filename = null) =>
        new() { Id = id, Caption = caption, Filename = filename };

    /// <summary>Media by link.</summary>
    public static MediaObject ByLink(string link, string? caption = null, string? filename = null) =>
        new() { Link = link, Caption = caption, Filename = filename };
}
