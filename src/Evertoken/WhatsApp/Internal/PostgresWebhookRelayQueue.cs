using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The relay queue in the PostgreSQL tables of a <see cref="PostgresWebhookInbox"/>, worked by the relays of every
/// instance at once. A claim locks the due queue heads with <c>FOR UPDATE SKIP LOCKED</c> and sets their lease in the
/// same statement: a relay claiming concurrently skips the rows being claimed, and one that reaches a row after the
/// claim committed re-reads it, sees the live lease and leaves it. A lease left by a killed instance runs out and the
/// next claim takes the delivery over. Wake-ups come from LISTEN on <c>evertoken_webhook_relay</c> (the inbox and
/// <see cref="RequeueAsync"/> NOTIFY at commit); the relay's poll covers notifications lost while disconnected.
/// </summary>
internal sealed class PostgresWebhookRelayQueue(PostgresWebhookInbox inbox) : IWebhookRelayQueue
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private NpgsqlDataSource DataSource => inbox.DataSource;

    public Task InitializeAsync(CancellationToken ct) => inbox.InitializeAsync(ct);

    public async Task<Dictionary<string, long>> SyncTargetsAsync(IReadOnlyList<(string Name, string Url, string PhoneNumberId)> targets, long now, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        // In name order: instances starting together lock the same rows in the same order, so never deadlock.
        foreach (var (name, url, phone) in targets.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            await using var upsert = new NpgsqlCommand("""
                INSERT INTO webhook_relay_targets (name, url, phone_number_id, enabled, created_at)
                VALUES ($1, $2, $3, TRUE, $4)
                ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, phone_number_id = EXCLUDED.phone_number_id, enabled = TRUE
                RETURNING id;
                """, connection, transaction);
            upsert.Parameters.Add(Param(name));
            upsert.Parameters.Add(Param(url));
            upsert.Parameters.Add(Param(phone));
            upsert.Parameters.Add(Param(now));
            ids[name] = (long)(await upsert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }

        // Targets no longer configured stop receiving new deliveries; their history stays.
        await using var disable = new NpgsqlCommand("UPDATE webhook_relay_targets SET enabled = FALSE WHERE enabled AND NOT (id = ANY($1));", connection, transaction);
        disable.Parameters.Add(Param(ids.Values.ToArray()));
        await disable.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return ids;
    }

    public async Task DisableTargetAsync(long targetId, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("UPDATE webhook_relay_targets SET enabled = FALSE WHERE id = $1;");
        command.Parameters.Add(Param(targetId));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<List<ClaimedDelivery>> ClaimAsync(IReadOnlyCollection<long> targetIds, long now, long leaseUntil, int limit, CancellationToken ct)
    {
        var claimed = new List<ClaimedDelivery>();
        if (targetIds.Count == 0)
        {
            return claimed;
        }

        // The heads come from the statement's snapshot; the due and lease conditions are on the locked row itself, so
        // PostgreSQL re-checks them on the newest version when the row changed since (a claim that just committed).
        // One statement, one implicit transaction: the lease is set by the time the locks are released.
        await using var command = DataSource.CreateCommand("""
            WITH heads AS (
                SELECT DISTINCT ON (target_id, phone_number_id) id
                FROM webhook_relay_deliveries
                WHERE state = 'pending' AND target_id = ANY($1)
                ORDER BY target_id, phone_number_id, id
            ), due AS (
                SELECT d.id FROM webhook_relay_deliveries d JOIN heads h ON h.id = d.id
                WHERE d.state = 'pending' AND d.next_attempt_at <= $2 AND (d.lease_until IS NULL OR d.lease_until <= $2)
                ORDER BY d.id
                LIMIT $4
                FOR UPDATE OF d SKIP LOCKED
            )
            UPDATE webhook_relay_deliveries d
            SET lease_until = $3, attempts = d.attempts + 1, last_attempt_at = $2
            FROM due, webhook_payloads p
            WHERE d.id = due.id AND p.id = d.payload_id
            RETURNING d.id, d.payload_id, d.target_id, d.attempts, COALESCE(d.queued_at, p.received_at), p.body;
            """);
        command.Parameters.Add(Param(targetIds.ToArray()));
        command.Parameters.Add(Param(now));
        command.Parameters.Add(Param(leaseUntil));
        command.Parameters.Add(Param(limit));
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            // attempts is already counted up: it is this attempt's number.
            claimed.Add(new ClaimedDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt32(3),
                reader.GetInt64(4), reader.GetFieldValue<byte[]>(5)));
        }

        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    public async Task MarkDeliveredAsync(ClaimedDelivery delivery, long now, int status, CancellationToken ct)
    {
        await using var batch = DataSource.CreateBatch();
        batch.BatchCommands.Add(Command("""
            UPDATE webhook_relay_deliveries
            SET state = 'delivered', delivered_at = $1, last_status = $2, last_error = NULL, lease_until = NULL, next_attempt_at = NULL
            WHERE id = $3;
            """, Param(now), Param(status), Param(delivery.Id)));
        batch.BatchCommands.Add(UpdatePayloadState(delivery.PayloadId));
        // A batch runs in one implicit transaction.
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task MarkFailedAsync(ClaimedDelivery delivery, long? nextAttempt, int? status, string error, CancellationToken ct)
    {
        await using var batch = DataSource.CreateBatch();
        batch.BatchCommands.Add(Command("""
            UPDATE webhook_relay_deliveries
            SET state = CASE WHEN $1::bigint IS NULL THEN 'dead' ELSE 'pending' END,
                next_attempt_at = $1, last_status = $2, last_error = $3, lease_until = NULL
            WHERE id = $4;
            """, Param(nextAttempt), Param(status), Param(error), Param(delivery.Id)));
        if (nextAttempt is null)
        {
            batch.BatchCommands.Add(UpdatePayloadState(delivery.PayloadId));
        }

        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<int?> RequeueAsync(long payloadId, long now, CancellationToken ct)
    {
        await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM webhook_payloads WHERE id = $1;", connection, transaction))
        {
            exists.Parameters.Add(Param(payloadId));
            if (await exists.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                return null;
            }
        }

        int queued;
        await using (var reset = new NpgsqlCommand("""
            INSERT INTO webhook_relay_deliveries (payload_id, target_id, phone_number_id, state, attempts, next_attempt_at, queued_at)
            SELECT p.id, t.id, p.phone_number_id, 'pending', 0, $2, $2
            FROM webhook_payloads p JOIN webhook_relay_targets t ON t.enabled AND (t.phone_number_id = '*' OR t.phone_number_id = p.phone_number_id)
            WHERE p.id = $1
            ON CONFLICT (payload_id, target_id) DO UPDATE SET state = 'pending', attempts = 0, next_attempt_at = $2, queued_at = $2,
                lease_until = NULL, last_error = NULL, last_status = NULL, delivered_at = NULL;
            """, connection, transaction))
        {
            reset.Parameters.Add(Param(payloadId));
            reset.Parameters.Add(Param(now));
            queued = await reset.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(UpdatePayloadState(payloadId));
            if (queued > 0)
            {
                batch.BatchCommands.Add(Command($"SELECT pg_notify('{WebhookPostgresSchema.RelayChannel}', '');"));
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return queued;
    }

    public async Task<long?> PayloadOfEventAsync(long eventId, CancellationToken ct)
    {
        await using var command = DataSource.CreateCommand("SELECT payload_id FROM webhook_events WHERE id = $1;");
        command.Parameters.Add(Param(eventId));
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long id ? id : null;
    }

    public async Task<WebhookRelayStatus> GetStatusAsync(int recent, CancellationToken ct)
    {
        var targets = new List<WebhookRelayTargetStatus>();
        await using (var command = DataSource.CreateCommand("""
            SELECT t.name, t.url, t.phone_number_id, t.enabled,
                   COUNT(*) FILTER (WHERE d.state = 'pending')::int, COUNT(*) FILTER (WHERE d.state = 'delivered')::int,
                   COUNT(*) FILTER (WHERE d.state = 'dead')::int,
                   MAX(d.delivered_at), MIN(d.next_attempt_at) FILTER (WHERE d.state = 'pending')
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
                    Enabled = reader.GetBoolean(3),
                    Pending = reader.GetInt32(4),
                    Delivered = reader.GetInt32(5),
                    Dead = reader.GetInt32(6),
                    LastDeliveredAt = RelayRows.Time(reader, 7),
                    NextAttemptAt = RelayRows.Time(reader, 8),
                });
            }
        }

        List<WebhookRelayDelivery> deliveries;
        await using (var command = DataSource.CreateCommand(string.Format(CultureInfo.InvariantCulture, RelayRows.RecentDeliveries, "$1")))
        {
            command.Parameters.Add(Param(recent));
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            deliveries = await RelayRows.ReadDeliveriesAsync(reader, ct).ConfigureAwait(false);
        }

        return new WebhookRelayStatus(targets, deliveries);
    }

    /// <summary>LISTENs on its own connection, waking the relay on each notification and once after every
    /// (re)connection (whatever was queued while it was away); reconnects with backoff (1 s doubling to 30 s).</summary>
    public async Task ListenAsync(Action wake, CancellationToken ct)
    {
        var backoff = FirstBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
                connection.Notification += (_, _) => wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {WebhookPostgresSchema.RelayChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                backoff = FirstBackoff;
                wake();
                while (true)
                {
                    await connection.WaitAsync(ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException or OperationCanceledException)
            {
                try
                {
                    await Task.Delay(backoff, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    private static NpgsqlBatchCommand UpdatePayloadState(long payloadId) => Command("""
        UPDATE webhook_payloads SET relay_state = CASE
            WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $1 AND state = 'pending') THEN 'pending'
            WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $1 AND state = 'dead') THEN 'dead'
            WHEN EXISTS (SELECT 1 FROM webhook_relay_deliveries WHERE payload_id = $1) THEN 'delivered'
            ELSE 'none' END
        WHERE id = $1;
        """, Param(payloadId));

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Param<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter Param(long? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };

    private static NpgsqlParameter Param(int? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer };
}
