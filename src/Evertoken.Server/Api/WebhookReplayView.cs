using System.Text.Json.Serialization;

namespace Evertoken.Server.Api;

/// <summary>The answer to a replay.</summary>
/// <param name="EventId">The event asked for.</param>
/// <param name="PayloadId">The payload queued again (it may hold other events too).</param>
/// <param name="Queued">Deliveries queued.</param>
public sealed record WebhookReplayView(
    [property: JsonPropertyName("event_id")] long EventId,
    [property: JsonPropertyName("payload_id")] long PayloadId,
    [property: JsonPropertyName("queued")] int Queued);
