using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Evertoken.WhatsApp.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// <see cref="IWebhookInbox"/> on a SQLite file (WAL). Appends are group-committed: callers queue their payload on a
/// channel and one writer loop writes up to <see cref="WebhookInboxOptions.MaxBatchSize"/> queued payloads in a
/// single transaction, then completes every caller after the COMMIT. So many concurrent webhooks cost one commit
/// (one fsync with <see cref="WebhookInboxOptions.SynchronousFull"/>) instead of one each. Every delivery's payload
/// row is kept for audit, even when all its events are duplicates; events are stored once per dedup key.
/// Reads use their own connections and do not wait for the writer.
/// </summary>
public sealed class SqliteWebhookInbox : IWebhookInbox, IAsyncDisposable
{
    private static readonly string[] KindNames = Enum.GetNames<WebhookEventKind>();

    private readonly WebhookInboxOptions _options;
    private readonly string _connectionString;
    private readonly Channel<PendingAppend> _queue;
    private readonly Func<CancellationToken, ValueTask>? _beforeBatch;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private Task? _writer;
    private volatile bool _initialized;
    private int _disposed;
    private long _committedBatches;
    private long _committedAppends;

    /// <summary>Creates the inbox; the file and tables are created on first use.</summary>
    /// <exception cref="OptionsValidationException">When the options are not valid.</exception>
    public SqliteWebhookInbox(IOptions<WebhookInboxOptions> options)
        : this(options, null)
    {
    }

    internal SqliteWebhookInbox(IOptions<WebhookInboxOptions> options, Func<CancellationToken, ValueTask>? beforeBatch)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new WebhookInboxOptions.Validator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(WebhookInboxOptions), typeof(WebhookInboxOptions), validation.Failures);
        }

        _beforeBatch = beforeBatch;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(_options.DatabasePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();

        // Bounded so a stalled disk pushes back on the HTTP handlers instead of growing memory without limit.
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(_options.MaxBatchSize * 64)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Transactions committed by the writer loop (for tests and metrics).</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Appends committed by the writer loop.</summary>
    internal long CommittedAppends => Interlocked.Read(ref _committedAppends);

    /// <summary>Appends waiting for the writer.</summary>
    internal int QueuedAppends => _queue.Reader.Count;

    /// <summary>The connection string of the file, for the relay's own connections.</summary>
    internal string ConnectionString => _connectionString;

    /// <summary>Called after a commit that queued relay deliveries (the relay wakes up instead of waiting for its poll).</summary>
    internal Action? RelayQueued { get; set; }

    /// <summary>Creates the file and tables and starts the writer, if not done yet. Called by every other member.</summary>
    /// <exception cref="SqliteException">When the file cannot be opened or created.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(_options.DatabasePath));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            var connection = new SqliteConnection(_connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                Execute(connection, "PRAGMA journal_mode=WAL;");
                Execute(connection, _options.SynchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
                Execute(connection, "PRAGMA foreign_keys=ON;");
                // The writer's own page cache (32 MB) and memory-mapped reads: the indexes it updates stay in memory
                // instead of being read back through system calls; this roughly halves the CPU of an append.
                Execute(connection, "PRAGMA cache_size=-32768;");
                Execute(connection, "PRAGMA mmap_size=268435456;");
                using (var transaction = connection.BeginTransaction())
                {
                    if (ReadUserVersion(connection, transaction) == 1)
                    {
                        foreach (var step in WebhookInboxSchema.UpgradeFrom1)
                        {
                            Execute(connection, step, transaction);
                        }
                    }

                    Execute(connection, WebhookInboxSchema.Create, transaction);
                    Execute(connection, $"PRAGMA user_version={WebhookInboxSchema.Version};", transaction);
                    transaction.Commit();
                }
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            // A thread of its own: the writer spends its life in synchronous SQLite calls, which on a thread-pool
            // thread would starve the HTTP handlers on a small machine.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    WriterLoop(connection);
                    done.SetResult();
                }
                catch (Exception ex)
                {
                    done.SetException(ex);
                }
            })
            {
                IsBackground = true,
                Name = "Evertoken webhook inbox writer",
            };
            thread.Start();
            _writer = done.Task;
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException">When <paramref name="events"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">When the inbox is disposed.</exception>
    /// <exception cref="SqliteException">When the write failed; nothing of this append was stored.</exception>
    public async Task<WebhookAppendResult> AppendAsync(ReadOnlyMemory<byte> rawBody, IReadOnlyList<WebhookEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        // Hashing and serializing happen here, on the caller's thread, so the single writer only runs SQL.
        var pending = new PendingAppend(rawBody.ToArray(), events, receivedAt);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteWebhookInbox));
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">When <see cref="WebhookEventQuery.Limit"/> is out of range.</exception>
    public async Task<WebhookEventPage> QueryEventsAsync(WebhookEventQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, WebhookEventQuery.MaxLimit, nameof(query));
        await InitializeAsync(cancellationToken).ConfigureAwait(false);

        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        void Filter(string sql, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(sql);
                command.Parameters.AddWithValue(name, value);
            }
        }

        Filter("phone_number_id = $phone", "$phone", query.PhoneNumberId);
        Filter("kind = $kind", "$kind", query.Kind?.ToString());
        Filter("message_type = $type", "$type", query.MessageType);
        Filter("status = $status", "$status", query.Status);
        Filter("wamid = $wamid", "$wamid", query.Wamid);
        Filter("received_at >= $from", "$from", query.ReceivedFrom?.ToUnixTimeMilliseconds());
        Filter("received_at < $before", "$before", query.ReceivedBefore?.ToUnixTimeMilliseconds());
        Filter("id > $after", "$after", query.After);
        command.CommandText = "SELECT id, payload_id, received_at, duplicate_count, event_json, raw_json FROM webhook_events"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY id LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit + 1);

        var events = new List<StoredWebhookEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var webhookEvent = JsonSerializer.Deserialize(reader.GetString(4), WhatsAppJsonContext.Default.WebhookEvent)!;
            if (!reader.IsDBNull(5))
            {
                webhookEvent = webhookEvent with { RawJson = reader.GetString(5) };
            }

            events.Add(new StoredWebhookEvent(reader.GetInt64(0), reader.GetInt64(1),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetInt32(3), webhookEvent));
        }

        // One row more than asked tells whether another page exists without a COUNT.
        if (events.Count > query.Limit)
        {
            events.RemoveAt(events.Count - 1);
            return new WebhookEventPage(events, events[^1].Id);
        }

        return new WebhookEventPage(events, null);
    }

    /// <inheritdoc />
    public async Task<StoredWebhookPayload?> GetPayloadAsync(long id, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT received_at, body, event_count, new_event_count, duplicate_event_count, relay_state
            FROM webhook_payloads WHERE id = $id;
            """;
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredWebhookPayload
        {
            Id = id,
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
            Body = (byte[])reader.GetValue(1),
            EventCount = reader.GetInt32(2),
            NewEventCount = reader.GetInt32(3),
            DuplicateEventCount = reader.GetInt32(4),
            RelayState = reader.GetString(5),
        };
    }

    /// <inheritdoc />
    public async Task<long?> GetLastEventIdAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(id) FROM webhook_events;";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
    }

    /// <summary>Stops accepting appends, writes those already queued, and closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_writer is { } writer)
        {
            await writer.ConfigureAwait(false);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        _initLock.Dispose();
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
    }

    private void WriterLoop(SqliteConnection connection)
    {
        using var _ = connection;
        var batch = new List<PendingAppend>(_options.MaxBatchSize);
        var reader = _queue.Reader;
        while (WaitToRead(reader))
        {
            if (_beforeBatch is not null)
            {
                _beforeBatch(_shutdown.Token).AsTask().GetAwaiter().GetResult();
            }

            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = WriteBatch(connection, batch, out var relayQueued);
                Interlocked.Increment(ref _committedBatches);
                Interlocked.Add(ref _committedAppends, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }

                if (relayQueued)
                {
                    RelayQueued?.Invoke();
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad append must not fail its neighbours: write them one by one, failing only the culprit.
                foreach (var pending in batch)
                {
                    WriteAlone(connection, pending);
                }
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(ex);
            }
        }
    }

    // Blocks the writer's own thread (never a pool thread) until appends are queued; false once the queue is closed.
    private static bool WaitToRead(ChannelReader<PendingAppend> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void WriteAlone(SqliteConnection connection, PendingAppend pending)
    {
        try
        {
            var result = WriteBatch(connection, [pending], out var relayQueued)[0];
            Interlocked.Increment(ref _committedBatches);
            Interlocked.Increment(ref _committedAppends);
            pending.Completion.TrySetResult(result);
            if (relayQueued)
            {
                RelayQueued?.Invoke();
            }
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private static WebhookAppendResult[] WriteBatch(SqliteConnection connection, List<PendingAppend> batch, out bool relayQueued)
    {
        relayQueued = false;
        var results = new WebhookAppendResult[batch.Count];
        using var transaction = connection.BeginTransaction();
        using var findEvent = Command(connection, transaction, WebhookInboxSchema.FindEvent, "$dedup_key");
        using var insertPayload = Command(connection, transaction, WebhookInboxSchema.InsertPayload,
            "$received_at", "$body", "$body_sha256", "$event_count", "$new", "$duplicates", "$relay_state", "$phone_number_id");
        using var upsertEvent = Command(connection, transaction, WebhookInboxSchema.UpsertEvent,
            "$payload_id", "$dedup_key", "$kind", "$field", "$waba_id", "$phone_number_id", "$message_type", "$wamid",
            "$status", "$from_id", "$recipient_id", "$event_time", "$received_at", "$event_json", "$raw_json");
        using var queueRelay = Command(connection, transaction, WebhookInboxSchema.QueueRelay, "$payload_id", "$phone_number_id", "$now");

        // Keys stored earlier in this transaction, so a key repeated within the batch counts as a duplicate too.
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var receivedAt = pending.ReceivedAt.ToUnixTimeMilliseconds();

            // Counting new and redelivered events before the payload row is written means the row (with its body)
            // is written once, never updated.
            int fresh = 0, duplicates = 0;
            foreach (var e in pending.Events)
            {
                if (written.Contains(e.DedupKey))
                {
                    duplicates++;
                    continue;
                }

                Set(findEvent, e.DedupKey);
                if (findEvent.ExecuteScalar() is null)
                {
                    fresh++;
                    written.Add(e.DedupKey);
                }
                else
                {
                    duplicates++;
                }
            }

            // A pure redelivery has nothing new for the app: it is kept for audit but not relayed again.
            Set(insertPayload, receivedAt, pending.Body, pending.BodySha256, pending.Events.Count, fresh, duplicates,
                fresh > 0 ? "pending" : "none", pending.PhoneNumberId);
            var payloadId = (long)insertPayload.ExecuteScalar()!;

            for (var j = 0; j < pending.Events.Count; j++)
            {
                var e = pending.Events[j];
                Set(upsertEvent, payloadId, e.DedupKey, KindNames[(int)e.Kind], e.Field, e.WabaId, e.PhoneNumberId, e.MessageType,
                    e.Wamid, e.Status, e.From, e.RecipientId, e.Timestamp?.ToUnixTimeSeconds(), receivedAt, pending.EventJson[j], e.RawJson);
                upsertEvent.ExecuteNonQuery();
            }

            if (fresh > 0)
            {
                Set(queueRelay, payloadId, pending.PhoneNumberId, receivedAt);
                relayQueued |= queueRelay.ExecuteNonQuery() > 0;
            }

            results[i] = new WebhookAppendResult(payloadId, fresh, duplicates);
        }

        transaction.Commit();
        return results;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static long ReadUserVersion(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class PendingAppend(byte[] body, IReadOnlyList<WebhookEvent> events, DateTimeOffset receivedAt)
    {
        public byte[] Body { get; } = body;

        public string BodySha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(body));

        public IReadOnlyList<WebhookEvent> Events { get; } = events;

        // The raw JSON goes to its own column: escaping it again inside event_json would double its size.
        public string[] EventJson { get; } = [.. events.Select(e => JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent))];

        // Routes the payload's relay deliveries (one conversation queue per target and number): the first number named.
        public string PhoneNumberId { get; } = events.Select(e => e.PhoneNumberId).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "";

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public TaskCompletionSource<WebhookAppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
