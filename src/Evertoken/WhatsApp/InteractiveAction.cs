using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>action</c> of an interactive message: <see cref="Buttons"/> for <c>button</c>,
/// <see cref="Button"/> and <see cref="Sections"/> for <c>list</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InteractiveAction
{
    /// <summary>Reply buttons (1 to 3).</summary>
    [JsonPropertyName("buttons")]
    public IReadOnlyList<InteractiveButton>? Buttons { get; init; }

    /// <summary>The label of the button that opens the list (at most 20 characters).</summary>
    [JsonPropertyName("button")]
    public string? Button { get; init; }

    /// <summary>List sections (1 to 10, with at most 10 rows in total).</summary>
    [JsonPropertyName("sections")]
    public IReadOnlyList<ListSection>? Sections { get; init; }
}
