using System.Text.Json.Serialization;

namespace Evertoken.Server.Api;

/// <summary>The answer of <c>POST /v1/messages</c>: Meta accepted the message (delivery comes later in status webhooks).</summary>
/// <param name="Wamid">The new message's id.</param>
/// <param name="WaId">The recipient's normalised WhatsApp id.</param>
/// <param name="MessageStatus">Meta's optional pacing status (<c>accepted</c>, ...).</param>
public sealed record MessageSent(
    [property: JsonPropertyName("wamid")] string Wamid,
    [property: JsonPropertyName("wa_id")] string? WaId,
    [property: JsonPropertyName("message_status")] string? MessageStatus);
