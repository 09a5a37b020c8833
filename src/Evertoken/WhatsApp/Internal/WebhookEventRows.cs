using System.Data.Common;
using System.Text.Json;

namespace Evertoken.WhatsApp.Internal;

/// <summary>The event query's columns and row mapping, shared by the SQLite and PostgreSQL inboxes (same columns,
/// same units: received_at in unix milliseconds). SQLite selects them with <see cref="WebhookInboxSchema.SelectEvents"/>,
/// which reads the raw JSON of newer rows out of the payload's body.</summary>
internal static class WebhookEventRows
{
    /// <summary>The columns <see cref="ReadPageAsync"/> expects, in order (PostgreSQL).</summary>
    public const string Select = "SELECT id, payload_id, received_at, duplicate_count, event_json, raw_json FROM webhook_events";

    /// <summary>Reads a page queried with <c>LIMIT limit + 1</c>: the extra row only tells whether another page exists,
    /// which saves a COUNT.</summary>
    public static async Task<WebhookEventPage> ReadPageAsync(DbDataReader reader, int limit, CancellationToken ct)
    {
        var events = new List<StoredWebhookEvent>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var webhookEvent = JsonSerializer.Deserialize(reader.GetString(4), WhatsAppJsonContext.Default.WebhookEvent)!;
            if (!reader.IsDBNull(5))
            {
                webhookEvent = webhookEvent with { RawJson = reader.GetString(5) };
            }

            events.Add(new StoredWebhookEvent(reader.GetInt64(0), reader.GetInt64(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetInt32(3), webhookEvent));
        }

        if (events.Count > limit)
        {
            events.RemoveAt(events.Count - 1);
            return new WebhookEventPage(events, events[^1].Id);
        }

        return new WebhookEventPage(events, null);
    }
}
