using System.Text.Json;
using System.Threading.Channels;
using Evertoken.Storage.Internal;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Evertoken.WhatsApp;

/// <summary>
/// <see cref="IWebhookInbox"/> on a PostgreSQL database shared by several Evertoken instances. Appends are
/// group-committed: callers queue their payload on a channel and one writer loop per instance writes up to
/// <see cref="WebhookInboxOptions.MaxBatchSize"/> queued payloads in one transaction (two round trips and a COMMIT),
/// then completes every caller after the COMMIT, so a webhook is answered only once it is durable. Events are stored
/// once per <see cref="WebhookEvent.DedupKey"/> across all instances (a unique index; a redelivery is counted on the
/// stored row), and relay deliveries are queued in the same transaction as their payload, announced on the
/// <c>evertoken_webhook_relay</c> channel (LISTEN/NOTIFY) at commit. Each batch holds a transaction-scoped advisory
/// lock, so batches of all instances commit one after the other: ids then grow in commit order (a reader paging with
/// <see cref="WebhookEventQuery.After"/> never skips an event committed late), and two instances never wait on each
/// other's rows in opposite orders. Only <see cref="WebhookInboxOptions.MaxBatchSize"/> applies of the options.
/// The tables are created on first use by the shared PostgreSQL migrations (advisory-locked, safe when instances
/// start at once).
/// </summary>
public sealed class PostgresWebhookInbox : IWebhookInbox, IAsyncDisposable
{
    private static readonly string[] KindNames = Enum.GetNames<WebhookEventKind>();
    private static readonly long WriteLockKey = PostgresSchema.LockKey("evertoken.webhooks.append");

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _time;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingAppend> _queue;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private Task? _writer;
    private volatile bool _initialized;
    private int _disposed;
    private long _committedBatches;
    private long _committedAppends;

    /// <summary>Creates the inbox on a data source the caller owns (and disposes); nothing is opened yet.</summary>
    /// <param name="dataSource">The database; its connection string may set <c>Search Path</c> to keep the tables in a schema.</param>
    /// <param name="options">Only <see cref="WebhookInboxOptions.MaxBatchSize"/> is used. Default: the defaults.</param>
    /// <param name="timeProvider">The clock stamped on the schema migration. Default: <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">When the options are not valid.</exception>
    public PostgresWebhookInbox(NpgsqlDataSource dataSource, IOptions<WebhookInboxOptions>? options = null, TimeProvider? timeProvider = null)
        : this(dataSource, ownsDataSource: false, options, timeProvider)
    {
    }

    /// <summary>Creates the inbox with its own connection pool on <paramref name="connectionString"/> (released by
    /// <see cref="DisposeAsync"/>); nothing is opened yet.</summary>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public PostgresWebhookInbox(string connectionString, IOptions<WebhookInboxOptions>? options = null, TimeProvider? timeProvider = null)
        : this(NpgsqlDataSource.Create(CheckConnectionString(connectionString)), ownsDataSource: true, options, timeProvider)
    {
    }

    private PostgresWebhookInbox(NpgsqlDataSource dataSource, bool ownsDataSource, IOptions<WebhookInboxOptions>? options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var settings = options?.Value ?? new WebhookInboxOptions();
        var validation = new WebhookInboxOptions.Validator().Validate(null, settings);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(WebhookInboxOptions), typeof(WebhookInboxOptions), validation.Failures);
        }

        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _time = timeProvider ?? TimeProvider.System;
        _maxBatchSize = settings.MaxBatchSize;
        Description = PostgresSchema.Describe(dataSource.ConnectionString);
        // Bounded so a slow database pushes back on the HTTP handlers instead of growing memory without limit.
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(_maxBatchSize * 64)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>"PostgreSQL host:port/database": where the inbox is, without credentials.</summary>
    public string Description { get; }

    /// <summary>The database, for the relay queue on the same tables.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Transactions committed by the writer loop (for tests and metrics).</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Appends committed by the writer loop.</summary>
    internal long CommittedAppends => Interlocked.Read(ref _committedAppends);

    /// <summary>Appends waiting for the writer.</summary>
    internal int QueuedAppends => _queue.Reader.Count;

    /// <summary>Runs before each batch is written (tests hold the writer here to queue a burst).</summary>
    internal Func<CancellationToken, ValueTask>? BeforeBatch { get; init; }

    /// <summary>Creates or migrates the tables and starts the writer, if not done yet. Called by every other member.</summary>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer Evertoken.</exception>
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

            await using (var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await PostgresSchema.MigrateAsync(connection, transaction, _time.GetUtcNow().ToUnixTimeMilliseconds(), Description, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            _writer = Task.Run(WriterLoopAsync, CancellationToken.None);
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>This store indexes within the append: the events are extracted here and committed with the payload, so
    /// <see cref="IWebhookInbox.WaitForIndexAsync"/> has nothing to wait for. A body whose events cannot be read is
    /// still stored (with no events), never dropped.</remarks>
    /// <exception cref="ObjectDisposedException">When the inbox is disposed.</exception>
    /// <exception cref="NpgsqlException">When the write failed; nothing of this append was stored (or, when the
    /// connection broke during the COMMIT itself, possibly all of it: a redelivery is then a duplicate).</exception>
    public async Task<WebhookAppendResult> AppendAsync(ReadOnlyMemory<byte> rawBody, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        // Extracting, hashing and serializing happen here, on the caller's thread, so the single writer only runs SQL.
        var body = rawBody.ToArray();
        var parsed = WebhookEventExtractor.ExtractEvents(body);
        var pending = new PendingAppend(body, parsed.IsSuccess ? parsed.Events : [], receivedAt);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(PostgresWebhookInbox));
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

        await using var command = _dataSource.CreateCommand();
        var where = new List<string>();
        void Filter(string column, string op, object? value)
        {
            if (value is not null)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
                where.Add($"{column} {op} ${command.Parameters.Count}");
            }
        }

        Filter("phone_number_id", "=", query.PhoneNumberId);
        Filter("kind", "=", query.Kind?.ToString());
        Filter("message_type", "=", query.MessageType);
        Filter("status", "=", query.Status);
        Filter("wamid", "=", query.Wamid);
        Filter("received_at", ">=", query.ReceivedFrom?.ToUnixTimeMilliseconds());
        Filter("received_at", "<", query.ReceivedBefore?.ToUnixTimeMilliseconds());
        Filter("id", ">", query.After);
        command.Parameters.Add(new NpgsqlParameter { Value = query.Limit + 1 });
        command.CommandText = WebhookEventRows.Select
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + $" ORDER BY id LIMIT ${command.Parameters.Count};";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await WebhookEventRows.ReadPageAsync(reader, query.Limit, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<StoredWebhookPayload?> GetPayloadAsync(long id, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand("""
            SELECT received_at, body, event_count, new_event_count, duplicate_event_count, relay_state
            FROM webhook_payloads WHERE id = $1;
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredWebhookPayload
        {
            Id = id,
            ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
            Body = reader.GetFieldValue<byte[]>(1),
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
        await using var command = _dataSource.CreateCommand("SELECT MAX(id) FROM webhook_events;");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id ? id : null;
    }

    /// <summary>Stops taking appends, lets the writer commit what is queued, and releases an owned pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        _initLock.Dispose();
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<PendingAppend>(_maxBatchSize);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (BeforeBatch is { } before)
            {
                await before(CancellationToken.None).ConfigureAwait(false);
            }

            batch.Clear();
            while (batch.Count < _maxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = await WriteBatchAsync(batch).ConfigureAwait(false);
                Interlocked.Increment(ref _committedBatches);
                Interlocked.Add(ref _committedAppends, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(results[i]);
                }
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad append must not fail its neighbours: write them one by one, failing only the culprit.
                foreach (var pending in batch)
                {
                    await WriteAloneAsync(pending).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                batch[0].Completion.TrySetException(ex);
            }
        }
    }

    private async Task WriteAloneAsync(PendingAppend pending)
    {
        try
        {
            var result = (await WriteBatchAsync([pending]).ConfigureAwait(false))[0];
            Interlocked.Increment(ref _committedBatches);
            Interlocked.Increment(ref _committedAppends);
            pending.Completion.TrySetResult(result);
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    // Round trip 1 takes the write lock, finds which dedup keys are stored already and draws the payload ids;
    // round trip 2 writes every row, a few set-based statements per batch; then COMMIT. The writer never waits on a caller's cancellation: once queued,
    // an append is written.
    private async Task<WebhookAppendResult[]> WriteBatchAsync(List<PendingAppend> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);

        var keys = batch.SelectMany(p => p.Events.Select(e => e.DedupKey)).Distinct(StringComparer.Ordinal).ToArray();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<long>(batch.Count);
        await using (var prepare = new NpgsqlBatch(connection, transaction))
        {
            prepare.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock($1);", Param(WriteLockKey)));
            prepare.BatchCommands.Add(Command("SELECT dedup_key FROM webhook_events WHERE dedup_key = ANY($1);",
                new NpgsqlParameter<string[]> { TypedValue = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text }));
            prepare.BatchCommands.Add(Command("SELECT nextval(pg_get_serial_sequence('webhook_payloads', 'id')) FROM generate_series(1, $1);", Param(batch.Count)));
            await using var reader = await prepare.ExecuteReaderAsync().ConfigureAwait(false);
            await reader.NextResultAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                stored.Add(reader.GetString(0));
            }

            await reader.NextResultAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                ids.Add(reader.GetInt64(0));
            }
        }

        ids.Sort();
        var results = new WebhookAppendResult[batch.Count];
        var payloads = new PayloadColumns(batch.Count);
        var fresh = new EventColumns();
        var duplicateKeys = new List<string>();
        var duplicateAt = new List<long>();
        var relayIds = new List<long>();
        var relayPhones = new List<string>();
        var relayAt = new List<long>();
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            var payloadId = ids[i];
            var receivedAt = pending.ReceivedAt.ToUnixTimeMilliseconds();

            // Counting new and redelivered events first means the payload row (with its body) is written once.
            // A key seen earlier in this batch is stored by then, so it counts as a duplicate too.
            int added = 0, duplicates = 0;
            for (var j = 0; j < pending.Events.Count; j++)
            {
                var e = pending.Events[j];
                if (stored.Add(e.DedupKey))
                {
                    added++;
                    fresh.Add(payloadId, e, KindNames[(int)e.Kind], receivedAt, pending.EventJson[j]);
                }
                else
                {
                    duplicates++;
                    duplicateKeys.Add(e.DedupKey);
                    duplicateAt.Add(receivedAt);
                }
            }

            // A pure redelivery has nothing new for the app: it is kept for audit but not relayed again.
            payloads.Add(payloadId, receivedAt, pending, added, duplicates);
            if (added > 0)
            {
                relayIds.Add(payloadId);
                relayPhones.Add(pending.PhoneNumberId);
                relayAt.Add(receivedAt);
            }

            results[i] = new WebhookAppendResult(payloadId);
        }

        // Set-based: one statement per table for the whole batch, whatever its size.
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(payloads.Insert());
            if (fresh.Count > 0)
            {
                write.BatchCommands.Add(fresh.Insert());
            }

            if (duplicateKeys.Count > 0)
            {
                write.BatchCommands.Add(Command(WebhookPostgresSchema.CountDuplicates, Array(duplicateKeys), Param(duplicateAt.ToArray())));
            }

            if (relayIds.Count > 0)
            {
                var relayIdArray = relayIds.ToArray();
                write.BatchCommands.Add(Command(WebhookPostgresSchema.QueueRelay, Param(relayIdArray), Array(relayPhones), Param(relayAt.ToArray())));
                write.BatchCommands.Add(Command(WebhookPostgresSchema.UnqueuedRelayNone, Param(relayIdArray)));
                // Delivered at COMMIT to every listening relay, this instance's included.
                write.BatchCommands.Add(Command(
                    $"SELECT pg_notify('{WebhookPostgresSchema.RelayChannel}', '') WHERE EXISTS (SELECT 1 FROM webhook_relay_targets WHERE enabled);"));
            }

            await write.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return results;
    }

    private static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlParameter<T> Param<T>(T value) => new() { TypedValue = value };

    private static NpgsqlParameter Array(IEnumerable<string?> values) =>
        new NpgsqlParameter<string?[]> { TypedValue = [.. values], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };

    /// <summary>The payload rows of a batch, one array per column.</summary>
    private sealed class PayloadColumns(int capacity)
    {
        private readonly List<long> _id = new(capacity), _receivedAt = new(capacity);
        private readonly List<byte[]> _body = new(capacity);
        private readonly List<string> _relayState = new(capacity), _phone = new(capacity);
        private readonly List<int> _events = new(capacity), _new = new(capacity), _duplicates = new(capacity);

        public void Add(long id, long receivedAt, PendingAppend pending, int added, int duplicates)
        {
            _id.Add(id);
            _receivedAt.Add(receivedAt);
            _body.Add(pending.Body);
            _events.Add(pending.Events.Count);
            _new.Add(added);
            _duplicates.Add(duplicates);
            _relayState.Add(added > 0 ? "pending" : "none");
            _phone.Add(pending.PhoneNumberId);
        }

        public NpgsqlBatchCommand Insert() => Command(WebhookPostgresSchema.InsertPayloads,
            Param(_id.ToArray()), Param(_receivedAt.ToArray()),
            new NpgsqlParameter<byte[][]> { TypedValue = [.. _body], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea },
            Param(_events.ToArray()), Param(_new.ToArray()), Param(_duplicates.ToArray()), Array(_relayState), Array(_phone));
    }

    /// <summary>The new event rows of a batch (distinct dedup keys), one array per column, in arrival order.</summary>
    private sealed class EventColumns
    {
        private readonly List<long> _payloadId = [], _receivedAt = [];
        private readonly List<long?> _eventTime = [];
        private readonly List<string?> _key = [], _kind = [], _field = [], _waba = [], _phone = [], _type = [], _wamid = [],
            _status = [], _from = [], _recipient = [], _json = [], _raw = [];

        public int Count => _key.Count;

        public void Add(long payloadId, WebhookEvent e, string kind, long receivedAt, string eventJson)
        {
            _payloadId.Add(payloadId);
            _key.Add(e.DedupKey);
            _kind.Add(kind);
            _field.Add(e.Field);
            _waba.Add(e.WabaId);
            _phone.Add(e.PhoneNumberId);
            _type.Add(e.MessageType);
            _wamid.Add(e.Wamid);
            _status.Add(e.Status);
            _from.Add(e.From);
            _recipient.Add(e.RecipientId);
            _eventTime.Add(e.Timestamp?.ToUnixTimeSeconds());
            _receivedAt.Add(receivedAt);
            _json.Add(eventJson);
            _raw.Add(e.RawJson);
        }

        public NpgsqlBatchCommand Insert() => Command(WebhookPostgresSchema.InsertEvents,
            Param(_payloadId.ToArray()), Array(_key), Array(_kind), Array(_field), Array(_waba), Array(_phone), Array(_type),
            Array(_wamid), Array(_status), Array(_from), Array(_recipient),
            new NpgsqlParameter<long?[]> { TypedValue = [.. _eventTime], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
            Param(_receivedAt.ToArray()), Array(_json), Array(_raw));
    }

    private static string CheckConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return connectionString;
    }

    private sealed class PendingAppend(byte[] body, IReadOnlyList<WebhookEvent> events, DateTimeOffset receivedAt)
    {
        public byte[] Body { get; } = body;

        public IReadOnlyList<WebhookEvent> Events { get; } = events;

        // The raw JSON goes to its own column: escaping it again inside event_json would double its size.
        public string[] EventJson { get; } = [.. events.Select(e => JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent))];

        // Routes the payload's relay deliveries (one conversation queue per target and number): the first number named.
        public string PhoneNumberId { get; } = events.Select(e => e.PhoneNumberId).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "";

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public TaskCompletionSource<WebhookAppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
