using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One row of a list message; its <see cref="Id"/> comes back in the <c>list_reply</c> webhook.</summary>
/// <param name="Id">Unique id, at most 200 characters.</param>
/// <param name="Title">Row title, at most 24 characters.</param>
/// <param name="Description">Optional description, at most 72 characters.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ListRow(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("title")] string? Title,
    [property: JsonPropertyName("description")] string? Description = null);
