using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>context</c> object: the message this one replies to.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MessageContext
{
    /// <summary>The wamid of the earlier message.</summary>
    [JsonPropertyName("message_id")]
    public string? MessageId { get; init; }
}
