using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One entry of <c>action.buttons</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record InteractiveButton
{
    /// <summary>Always <c>reply</c>. Default <c>reply</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "reply";

    /// <summary>The button's id and title.</summary>
    [JsonPropertyName("reply")]
    public ReplyButton? Reply { get; init; }
}
