using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp;

namespace Evertoken.Server.Api;

/// <summary>A stored payload with its body as received (as JSON when it parses, else base64).</summary>
public sealed record WebhookPayloadView
{
    /// <summary>The payload id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>When it was received.</summary>
    [JsonPropertyName("received_at")]
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Events in it.</summary>
    [JsonPropertyName("event_count")]
    public int EventCount { get; init; }

    /// <summary>Of which new.</summary>
    [JsonPropertyName("new_event_count")]
    public int NewEventCount { get; init; }

    /// <summary>Of which redelivered.</summary>
    [JsonPropertyName("duplicate_event_count")]
    public int DuplicateEventCount { get; init; }

    /// <summary><c>none</c>, <c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    [JsonPropertyName("relay_state")]
    public required string RelayState { get; init; }

    /// <summary><c>unindexed</c> (stored, events not extracted yet), <c>indexed</c> or <c>failed</c> (events unreadable).</summary>
    [JsonPropertyName("index_state")]
    public string IndexState { get; init; } = "indexed";

    /// <summary>Why the events could not be read, when <see cref="IndexState"/> is <c>failed</c>.</summary>
    [JsonPropertyName("index_error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IndexError { get; init; }

    /// <summary>The body as JSON.</summary>
    [JsonPropertyName("body")]
    public JsonElement? Body { get; init; }

    /// <summary>The exact bytes, base64, when they are not JSON.</summary>
    [JsonPropertyName("body_base64")]
    public string? BodyBase64 { get; init; }

    /// <summary>Builds the view of a stored payload.</summary>
    public static WebhookPayloadView Of(StoredWebhookPayload payload)
    {
        JsonElement? body = null;
        try
        {
            using var document = JsonDocument.Parse(payload.Body);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Shown as base64 below.
        }

        return new WebhookPayloadView
        {
            Id = payload.Id,
            ReceivedAt = payload.ReceivedAt,
            EventCount = payload.EventCount,
            NewEventCount = payload.NewEventCount,
            DuplicateEventCount = payload.DuplicateEventCount,
            RelayState = payload.RelayState,
            IndexState = payload.IndexState,
            IndexError = payload.IndexError,
            Body = body,
            BodyBase64 = body is null ? Convert.ToBase64String(payload.Body.Span) : null,
        };
    }
}
