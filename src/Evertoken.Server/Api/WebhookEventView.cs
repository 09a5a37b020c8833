using System.Text.Json.Serialization;
using Evertoken.WhatsApp;

namespace Evertoken.Server.Api;

/// <summary>One stored webhook event as <c>GET /v1/webhooks/events</c> shows it.</summary>
public sealed record WebhookEventView
{
    /// <summary>The event id (the <c>after</c> cursor).</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The payload it first came in (<c>GET /v1/webhooks/payloads/{id}</c>).</summary>
    [JsonPropertyName("payload_id")]
    public long PayloadId { get; init; }

    /// <summary>When it was first received.</summary>
    [JsonPropertyName("received_at")]
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>How many redeliveries of it arrived since.</summary>
    [JsonPropertyName("duplicate_count")]
    public int DuplicateCount { get; init; }

    /// <summary>The event itself.</summary>
    [JsonPropertyName("event")]
    public required WebhookEvent Event { get; init; }

    /// <summary>Builds the view of a stored event.</summary>
    public static WebhookEventView Of(StoredWebhookEvent stored) => new()
    {
        Id = stored.Id,
        PayloadId = stored.PayloadId,
        ReceivedAt = stored.ReceivedAt,
        DuplicateCount = stored.DuplicateCount,
        Event = stored.Event,
    };
}
