using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One section of a list message.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ListSection
{
    /// <summary>Section title (at most 24 characters; required when there is more than one section).</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The rows of this section.</summary>
    [JsonPropertyName("rows")]
    public IReadOnlyList<ListRow>? Rows { get; init; }

    /// <summary>A section with the given rows.</summary>
    public static ListSection Of(string? title, params IEnumerable<ListRow> rows) => new() { Title = title, Rows = rows.ToList() };
}
