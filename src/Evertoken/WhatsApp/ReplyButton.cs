using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>A reply button: the <see cref="Id"/> comes back in the <c>button_reply</c> webhook when tapped.</summary>
/// <param name="Id">Unique id, at most 256 characters.</param>
/// <param name="Title">Unique label, at most 20 characters.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReplyButton(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("title")] string? Title);
