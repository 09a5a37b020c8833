using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>reaction</c> object: an emoji on an earlier message.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ReactionContent
{
    /// <summary>The wamid of the message reacted to.</summary>
    [JsonPropertyName("message_id")]
    public string? MessageId { get; init; }

    /// <summary>The emoji; empty removes an earlier reaction.</summary>
    [JsonPropertyName("emoji")]
    public string? Emoji { get; init; }
}
