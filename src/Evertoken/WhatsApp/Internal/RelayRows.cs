using System.Data.Common;

namespace Evertoken.WhatsApp.Internal;

/// <summary>The relay status SQL and row mapping the SQLite and PostgreSQL queues share (same columns, same units:
/// times are unix milliseconds).</summary>
internal static class RelayRows
{
    /// <summary>The latest deliveries with their target's name; the limit parameter is <c>{0}</c>.</summary>
    public const string RecentDeliveries = """
        SELECT d.id, d.payload_id, t.name, d.phone_number_id, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at,
               d.last_status, d.last_error, d.delivered_at
        FROM webhook_relay_deliveries d JOIN webhook_relay_targets t ON t.id = d.target_id
        ORDER BY d.id DESC LIMIT {0};
        """;

    /// <summary>Reads every row of <see cref="RecentDeliveries"/>.</summary>
    public static async Task<List<WebhookRelayDelivery>> ReadDeliveriesAsync(DbDataReader reader, CancellationToken ct)
    {
        var deliveries = new List<WebhookRelayDelivery>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            deliveries.Add(new WebhookRelayDelivery
            {
                Id = reader.GetInt64(0),
                PayloadId = reader.GetInt64(1),
                Target = reader.GetString(2),
                PhoneNumberId = reader.GetString(3),
                State = reader.GetString(4),
                Attempts = reader.GetInt32(5),
                NextAttemptAt = Time(reader, 6),
                LastAttemptAt = Time(reader, 7),
                LastStatus = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                LastError = reader.IsDBNull(9) ? null : reader.GetString(9),
                DeliveredAt = Time(reader, 10),
            });
        }

        return deliveries;
    }

    /// <summary>A nullable unix-milliseconds column.</summary>
    public static DateTimeOffset? Time(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
