using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The relay's reads and state changes on the inbox file (tables <c>webhook_relay_targets</c> and
/// <c>webhook_relay_deliveries</c>). Times are unix milliseconds. A delivery is claimed by setting a lease in an
/// IMMEDIATE transaction, so two relays on one file never take the same row, and a lease left by a dead process
/// simply runs out.
/// </summary>
internal sealed class WebhookRelayStore(string connectionString) : IWebhookRelayQueue
{
    private readonly SqliteWebhookInbox? _inbox;

    /// <summary>The queue in <paramref name="inbox"/>'s file, woken by its commits.</summary>
    public WebhookRelayStore(SqliteWebhookInbox inbox)
        : this(inbox.ConnectionString)
    {
        _inbox = inbox;
    }

    public Task InitializeAsync(CancellationToken ct) => _inbox?.InitializeAsync(ct) ?? Task.CompletedTask;

    /// <summary>The inbox calls <paramref name="wake"/> after each commit that queued deliveries; other processes on
    /// the same file are only seen by the relay's poll.</summary>
    public async Task ListenAsync(Action wake, CancellationToken ct)
    {
        if (_inbox is null)
        {
            return;
        }

        _inbox.RelayQueued = wake;
        try
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        finally
        {
            if (ReferenceEquals(_inbox.RelayQueued, wake))
            {
                _inbox.RelayQueued = null;
            }
        }
    }

    public async Task<Dictionary<string, long>> SyncTargetsAsync(IReadOnlyList<(string Name, string Url, string PhoneNumberId)> targets, long now, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, url, phone) in targets)
        {
            await using var upsert = Command(connection, transaction, """
                INSERT INTO webhook_relay_targets (name, url, phone_number_id, enabled, created_at)
                VALUES ($name, $url, $phone, 1, $now)
                ON CONFLICT (name) DO UPDATE SET url = excluded.url, phone_number_id = excluded.phone_number_id, enabled = 1
                RETURNING id;
                """, ("$name", name), ("$url", url), ("$phone", phone), ("$now", now));
            ids[name] = (long)(await upsert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        // Targets no longer configured stop receiving new deliveries; their history stays.
        await using var disable = Command(connection, transaction,
            "UPDATE webhook_relay_targets SET enabled = 0 WHERE id NOT IN (" + IdList(ids.Values) + ");");
        await disable.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return ids;
    }

    public async Task DisableTargetAsync(long targetId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "UPDATE webhook_relay_targets SET enabled = 0 WHERE id = $id;", ("$id", targetId));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<List<ClaimedDelivery>> ClaimAsync(IReadOnlyCollection<long> targetIds, long now, long leaseUntil, int limit, CancellationToken ct)
    {
        var claimed = new List<ClaimedDelivery>();
        if (targetIds.Count == 0)
        {
            return claimed;
        }

        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var select = Command(connection, transaction, $"""
            SELECT d.id, d.payload_id, d.target_id, d.attempts, COALESCE(d.queued_at, p.received_at), p.body
            FROM webhook_relay_deliveries d JOIN webhook_payloads p ON p.id = d.payload_id
            WHERE d.id IN (SELECT MIN(id) FROM webhook_relay_deliveries WHERE state = 'pending' GROUP BY target_id, phone_number_id)
              AND d.target_id IN ({IdList(targetIds)})
              AND d.next_attempt_at <= $now AND (d.lease_until IS NULL OR d.lease_until <= $now)
            ORDER BY d.id LIMIT $limit;
            """, ("$now", now), ("$limit", limit)))
        {
            await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                claimed.Add(new ClaimedDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3) + 1,
                    reader.GetInt64(4), (byte[])reader.GetValue(5)));
            }
        }

        foreach (var delivery in claimed)
        {
            await using var claim = Command(connection, transaction, """
                UPDATE webhook_relay_deliveries SET lease_until = $lease, attempts = attempts + 1, last_attempt_at = $now
                WHERE id = $id;
                """, ("$lease", leaseUntil), ("$now", now), ("$id", delivery.Id));
            await claim.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return claimed;
    }

    public async Task MarkDeliveredAsync(ClaimedDelivery delivery, long now, int status, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, """
            UPDATE webhook_relay_deliveries
            SET state = 'delivered', delivered_at = $now, last_status = $status, last_error = NULL, lease_until = NULL, next_attempt_at = NULL
            WHERE id = $id;
            """, ("$now", now), ("$status", status), ("$id", delivery.Id)))
        {
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await UpdatePayloadStateAsync(connection, transaction, delivery.PayloadId, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task MarkFailedAsync(ClaimedDelivery delivery, long? nextAttempt, int? status, string error, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var command = Command(connection, transaction, """
            UPDATE webhook_relay_deliveries
            SET state = CASE WHEN $next IS NULL THEN 'dead' ELSE 'pending' END,
                next_attempt_at = $next, last_status = $status, last_error = $error, lease_until = NULL
            WHERE id = $id;
            """, ("$next", nextAttempt), ("$status", status), ("$error", error), ("$id", delivery.Id)))
        {
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        if (nextAttempt is null)
        {
            await UpdatePayloadStateAsync(connection, transaction, delivery.PayloadId, ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<int?> RequeueAsync(long payloadId, long now, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var exists = Command(connection, transaction, "SELECT 1 FROM webhook_payloads WHERE id = $id;", ("$id", payloadId)))
        {
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                return null;
            }
        }

        int queued;
        await using (var reset = Command(connection, transaction, """
            INSERT INTO webhook_relay_deliveries (payload_id, target_id, phone_number_id, state, attempts, next_attempt_at, queued_at)
            SELECT p.id, t.id, p.phone_number_id, 'pending', 0, $now, $now
            FROM webhook_payloads p JOIN webhook_relay_targets t ON t.enabled = 1 AND (t.phone_number_id = '*' OR t.phone_number_id = p.phone_number_id)
            WHERE p.id = $id
            ON CONFLICT (payload_id, target_id) DO UPDATE SET state = 'pending', attempts = 0, next_attempt_at = $now, queued_at = $now,
                lease_until = NULL, last_error = NULL, last_status = NULL, delivered_at = NULL;
            """, ("$id", payloadId), ("$now", now)))
        {
            queued = await reset.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await UpdatePayloadStateAsync(connection, transaction, payloadId, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return queued;
    }

    public async Task<long?> PayloadOfEventAsync(long eventId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT payload_id FROM webhook_events WHERE id = $id;", ("$id", eventId));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long id ? id : null;
    }

    public async Task<WebhookRelayStatus> GetStatusAsync(int recent, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var targets = new List<WebhookRelayTargetStatus>();
        await using (var command = Command(connection, null, """
            SELECT t.name, t.url, t.phone_number_id, t.enabled,
                   COALESCE(SUM(d.state = 'pending'), 0), COALESCE(SUM(d.state = 'delivered'), 0), COALESCE(SUM(d.state = 'dead'), 0),
                   MAX(d.delivered_at), MIN(CASE WHEN d.state = 'pending' THEN d.next_attempt_at END)
            FROM webhook_relay_targets t LEFT JOIN webhook_relay_deliveries d ON d.target_id = t.id
            GROUP BY t.id ORDER BY t.id;
            """))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                targets.Add(new WebhookRelayTargetStatus
                {
                    Name = reader.GetString(0),
                    Url = reader.GetString(1),
                    PhoneNumberId = reader.GetString(2),
                    Enabled = reader.GetInt64(3) != 0,
                    Pending = reader.GetInt32(4),
                    Delivered = reader.GetInt32(5),
                    Dead = reader.GetInt32(6),
                    LastDeliveredAt = RelayRows.Time(reader, 7),
                    NextAttemptAt = RelayRows.Time(reader, 8),
                });
            }
        }

        List<WebhookRelayDelivery> deliveries;
        await using (var command = Command(connection, null, string.Format(CultureInfo.InvariantCulture, RelayRows.RecentDeliveries, "$limit"), ("$limit", recent)))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            deliveries = await RelayRows.ReadDeliveriesAsync(reader, ct).ConfigureAwait(false);
        }

        return new WebhookRelayStatus(targets, deliveries);
    }

    private static async Task UpdatePayloadStateAsync(SqliteConnection connection, SqliteTransaction transaction, long payloadId, CancellationToken ct)
    {
        await using var command = Command(connection, transaction, """
            UPDATE webhook_payloads SET relay_state = CASE
                WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $id AND state = 'pending') THEN 'pending'
                WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $id AND state = 'dead') THEN 'dead'
                WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $id) THEN 'delivered'
                ELSE 'none' END
            WHERE id = $id;
            """, ("$id", payloadId));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    // Ids are our own longs, so inlining them is safe; an empty list matches nothing.
    private static string IdList(IEnumerable<long> ids)
    {
        var text = string.Join(",", ids.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        return text.Length == 0 ? "-1" : text;
    }

}

/// <summary>A delivery claimed for one attempt.</summary>
/// <param name="Id">The delivery id.</param>
/// <param name="PayloadId">The payload.</param>
/// <param name="TargetId">The target row.</param>
/// <param name="Attempt">This attempt's number (1 for the first).</param>
/// <param name="QueuedAt">When it was queued (unix ms): the retry horizon counts from there.</param>
/// <param name="Body">The payload exactly as received.</param>
internal sealed record ClaimedDelivery(long Id, long PayloadId, long TargetId, int Attempt, long QueuedAt, byte[] Body);
