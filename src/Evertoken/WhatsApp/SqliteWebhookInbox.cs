using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Evertoken.WhatsApp.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// <see cref="IWebhookInbox"/> on a SQLite file (WAL), written in two stages so the 200 waits only for the first.
/// <para>Stage 1 (before the 200): callers queue their raw body on a channel and one writer thread inserts up to
/// <see cref="WebhookInboxOptions.MaxBatchSize"/> queued payload rows in a single transaction, marked
/// <c>unindexed</c>, then completes every caller after the COMMIT. So many concurrent webhooks cost one commit (one
/// fsync with <see cref="WebhookInboxOptions.SynchronousFull"/>) and a few microseconds of writer time each.</para>
/// <para>Stage 2 (the indexer, its own thread and connection on the same file): woken by every stage 1 commit, it
/// takes the committed unindexed payloads in id order, extracts their events (<see cref="WebhookEventExtractor"/>),
/// upserts them (one row per dedup key; a redelivered event is counted on the stored row), queues the relay
/// deliveries and marks the payloads <c>indexed</c>, all in one transaction per batch: a crash at any point leaves
/// each payload either unindexed (indexed again after the restart, which the indexer does first) or indexed with all
/// its events, never half. A payload whose events cannot be read is kept and marked <c>failed</c> with the reason.
/// Events become visible to queries and the relay once indexed, normally milliseconds after the 200;
/// <see cref="WaitForIndexAsync"/> waits for that.</para>
/// <para>The two stages take turns on SQLite's single write lock through an in-process lock, and the indexer
/// commits early when the receiver is waiting, so indexing never holds a 200 back by more than a few payloads'
/// work. The indexer commits with <c>synchronous=NORMAL</c> even when stage 1 uses FULL: losing its last commits
/// to a power cut only means indexing those payloads again. Reads use their own connections and wait for neither.</para>
/// </summary>
public sealed class SqliteWebhookInbox : IWebhookInbox, IAsyncDisposable
{
    private static readonly string[] KindNames = Enum.GetNames<WebhookEventKind>();

    // The indexer yields the write lock to a waiting receiver batch after at least this many payloads.
    private const int MinIndexSlice = 8;

    private readonly WebhookInboxOptions _options;
    private readonly string _connectionString;
    private readonly Channel<PendingAppend> _queue;
    private readonly Func<CancellationToken, ValueTask>? _beforeBatch;
    private readonly Func<CancellationToken, ValueTask>? _beforeIndexBatch;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly CancellationTokenSource _stopIndexer = new();
    private readonly SemaphoreSlim _indexWake = new(0, 1);
    private readonly Lock _writeLock = new();
    private Task? _writer;
    private Task? _indexer;
    private volatile bool _initialized;
    private volatile bool _appendWaiting;
    private int _disposed;
    private long _committedBatches;
    private long _committedAppends;
    private long _indexBatches;
    private long _failedPayloads;
    private long _lastAppended;
    private long _indexedThrough;
    private TaskCompletionSource _indexProgress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the inbox; the file and tables are created, and the indexer started, on first use.</summary>
    /// <exception cref="OptionsValidationException">When the options are not valid.</exception>
    public SqliteWebhookInbox(IOptions<WebhookInboxOptions> options, ILogger<SqliteWebhookInbox>? logger = null)
        : this(options, null, null, logger)
    {
    }

    internal SqliteWebhookInbox(IOptions<WebhookInboxOptions> options, Func<CancellationToken, ValueTask>? beforeBatch,
        Func<CancellationToken, ValueTask>? beforeIndexBatch = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new WebhookInboxOptions.Validator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(WebhookInboxOptions), typeof(WebhookInboxOptions), validation.Failures);
        }

        _beforeBatch = beforeBatch;
        _beforeIndexBatch = beforeIndexBatch;
        _logger = logger ?? NullLogger.Instance;
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

    /// <summary>Transactions committed by the writer loop (stage 1; for tests and metrics).</summary>
    internal long CommittedBatches => Interlocked.Read(ref _committedBatches);

    /// <summary>Appends committed by the writer loop.</summary>
    internal long CommittedAppends => Interlocked.Read(ref _committedAppends);

    /// <summary>Appends waiting for the writer.</summary>
    internal int QueuedAppends => _queue.Reader.Count;

    /// <summary>Transactions committed by the indexer (stage 2).</summary>
    internal long IndexBatches => Interlocked.Read(ref _indexBatches);

    /// <summary>Payloads the indexer marked <c>failed</c> (their events could not be read) since start.</summary>
    internal long FailedPayloads => Interlocked.Read(ref _failedPayloads);

    /// <summary>The highest payload id committed by stage 1 (0 when none).</summary>
    internal long LastAppendedPayloadId => Interlocked.Read(ref _lastAppended);

    /// <summary>Every payload up to this id is indexed (or failed).</summary>
    internal long IndexedThrough => Interlocked.Read(ref _indexedThrough);

    /// <summary>The connection string of the file, for the relay's own connections.</summary>
    internal string ConnectionString => _connectionString;

    /// <summary>Called after a commit that queued relay deliveries (the relay wakes up instead of waiting for its poll).</summary>
    internal Action? RelayQueued { get; set; }

    /// <summary>
    /// Creates the file and tables and starts the writer and the indexer (which first indexes what a previous run
    /// left unindexed), if not done yet. Called by every other member.
    /// </summary>
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

            var writer = await OpenWriterAsync(_options.SynchronousFull, cancellationToken).ConfigureAwait(false);
            SqliteConnection indexer;
            try
            {
                using (var transaction = writer.BeginTransaction())
                {
                    var version = ReadUserVersion(writer, transaction);
                    if (version == 1)
                    {
                        foreach (var step in WebhookInboxSchema.UpgradeFrom1)
                        {
                            Execute(writer, step, transaction);
                        }
                    }

                    if (version is 1 or 2)
                    {
                        foreach (var step in WebhookInboxSchema.UpgradeFrom2)
                        {
                            Execute(writer, step, transaction);
                        }
                    }

                    Execute(writer, WebhookInboxSchema.Create, transaction);
                    Execute(writer, $"PRAGMA user_version={WebhookInboxSchema.Version};", transaction);
                    transaction.Commit();
                }

                var last = Scalar(writer, WebhookInboxSchema.LastPayload) ?? 0;
                var firstUnindexed = Scalar(writer, WebhookInboxSchema.FirstUnindexed);
                Interlocked.Exchange(ref _lastAppended, last);
                Interlocked.Exchange(ref _indexedThrough, firstUnindexed is { } first ? first - 1 : last);
                // Losing the indexer's last commits to a power cut only means indexing those payloads again.
                indexer = await OpenWriterAsync(synchronousFull: false, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await writer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _writer = StartThread("Evertoken webhook inbox writer", () => WriterLoop(writer));
            _indexer = StartThread("Evertoken webhook inbox indexer", () => IndexerLoop(indexer));
            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">When the inbox is disposed.</exception>
    /// <exception cref="SqliteException">When the write failed; nothing of this append was stored.</exception>
    public async Task<WebhookAppendResult> AppendAsync(ReadOnlyMemory<byte> rawBody, DateTimeOffset receivedAt, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        // Copying and hashing happen here, on the caller's thread, so the single writer only runs SQL.
        var pending = new PendingAppend(rawBody.ToArray(), receivedAt);
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
    /// <exception cref="ObjectDisposedException">When the inbox is disposed while waiting.</exception>
    public async Task WaitForIndexAsync(long payloadId = long.MaxValue, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var target = Math.Min(payloadId, LastAppendedPayloadId);
        while (true)
        {
            // Read the signal before the position: an indexer commit in between completes this very signal.
            var progress = Volatile.Read(ref _indexProgress);
            if (IndexedThrough >= target)
            {
                return;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            await progress.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
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
            SELECT received_at, body, event_count, new_event_count, duplicate_event_count, relay_state, index_state, index_error
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
            IndexState = reader.GetString(6),
            IndexError = reader.IsDBNull(7) ? null : reader.GetString(7),
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

    /// <summary>
    /// Stops accepting appends, writes those already queued, stops the indexer after its current batch (what is left
    /// unindexed is indexed on the next start), and closes the file.
    /// </summary>
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

        await _stopIndexer.CancelAsync().ConfigureAwait(false);
        if (_indexer is { } indexer)
        {
            await indexer.ConfigureAwait(false);
        }

        Volatile.Read(ref _indexProgress).TrySetException(new ObjectDisposedException(nameof(SqliteWebhookInbox)));
        await _shutdown.CancelAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        _stopIndexer.Dispose();
        _initLock.Dispose();
        _indexWake.Dispose();
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
    }

    // A thread of its own: each stage spends its life in synchronous SQLite calls, which on a thread-pool thread
    // would starve the HTTP handlers on a small machine.
    private static Task StartThread(string name, Action loop)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private async Task<SqliteConnection> OpenWriterAsync(bool synchronousFull, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, synchronousFull ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");
            Execute(connection, "PRAGMA foreign_keys=ON;");
            // Each writer's own page cache (32 MB) and memory-mapped reads: the indexes it updates stay in memory
            // instead of being read back through system calls; this roughly halves the CPU of an index write.
            Execute(connection, "PRAGMA cache_size=-32768;");
            Execute(connection, "PRAGMA mmap_size=268435456;");
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
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
                var ids = WriteBatchLocked(connection, batch);
                Committed(batch.Count, ids[^1]);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(new WebhookAppendResult(ids[i]));
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
            var id = WriteBatchLocked(connection, [pending])[0];
            Committed(1, id);
            pending.Completion.TrySetResult(new WebhookAppendResult(id));
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private void Committed(int appends, long lastId)
    {
        Interlocked.Increment(ref _committedBatches);
        Interlocked.Add(ref _committedAppends, appends);
        Interlocked.Exchange(ref _lastAppended, lastId);
        WakeIndexer();
    }

    private void WakeIndexer()
    {
        if (_indexWake.CurrentCount == 0)
        {
            try
            {
                _indexWake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private long[] WriteBatchLocked(SqliteConnection connection, List<PendingAppend> batch)
    {
        // Tell the indexer a receiver batch waits, so it commits its slice early and lets this one in.
        _appendWaiting = true;
        lock (_writeLock)
        {
            _appendWaiting = false;
            return WriteBatch(connection, batch);
        }
    }

    private static long[] WriteBatch(SqliteConnection connection, List<PendingAppend> batch)
    {
        var ids = new long[batch.Count];
        using var transaction = connection.BeginTransaction();
        using var insertPayload = Command(connection, transaction, WebhookInboxSchema.InsertPayload, "$received_at", "$body", "$body_sha256");
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            Set(insertPayload, pending.ReceivedAt.ToUnixTimeMilliseconds(), pending.Body, pending.BodySha256);
            ids[i] = (long)insertPayload.ExecuteScalar()!;
        }

        transaction.Commit();
        return ids;
    }

    private void IndexerLoop(SqliteConnection connection)
    {
        using var _ = connection;
        var stop = _stopIndexer.Token;
        var backoff = TimeSpan.Zero;
        try
        {
            // No wait before the first pass: it indexes what a crash left unindexed.
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (!IndexPending(connection, stop))
                    {
                        _indexWake.Wait(stop);
                    }

                    backoff = TimeSpan.Zero;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The file is busy or the disk full: nothing was committed, the same payloads are taken again.
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                    WhatsAppLog.InboxIndexerFailed(_logger, backoff, ex);
                    stop.WaitHandle.WaitOne(backoff);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed: what is left is indexed on the next start.
        }
    }

    // Indexes one batch of unindexed payloads; false when there was none.
    private bool IndexPending(SqliteConnection connection, CancellationToken stop)
    {
        if (_beforeIndexBatch is not null)
        {
            _beforeIndexBatch(stop).AsTask().GetAwaiter().GetResult();
        }

        var rows = new List<(long Id, long ReceivedAt, byte[] Body)>(_options.MaxBatchSize);
        using (var select = connection.CreateCommand())
        {
            select.CommandText = WebhookInboxSchema.SelectUnindexed;
            select.Parameters.AddWithValue("$limit", _options.MaxBatchSize);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), (byte[])reader.GetValue(2)));
            }
        }

        if (rows.Count == 0)
        {
            return false;
        }

        // Extraction and serialization run here, outside the write lock, in parallel with the receiver's commits.
        var prepared = rows.Select(r => new IndexItem(r.Id, r.ReceivedAt, WebhookEventExtractor.ExtractEvents(r.Body))).ToList();
        var done = 0;
        while (done < prepared.Count)
        {
            bool relayQueued;
            int end;
            lock (_writeLock)
            {
                end = IndexSlice(connection, prepared, done, out relayQueued);
            }

            for (var i = done; i < end; i++)
            {
                if (prepared[i].Error is { } error)
                {
                    Interlocked.Increment(ref _failedPayloads);
                    WhatsAppLog.WebhookPayloadNotIndexed(_logger, prepared[i].Id, error);
                }
            }

            done = end;
            Interlocked.Increment(ref _indexBatches);
            YieldToWaitingAppend();
            Interlocked.Exchange(ref _indexedThrough, prepared[end - 1].Id);
            Interlocked.Exchange(ref _indexProgress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            if (relayQueued)
            {
                RelayQueued?.Invoke();
            }
        }

        return true;
    }

    // After an early commit, let the waiting receiver batch take the lock before the next slice competes for it.
    private void YieldToWaitingAppend()
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_appendWaiting && waited.ElapsedMilliseconds < 2)
        {
            Thread.Yield();
        }
    }

    // One transaction from prepared[start]: until the end, or earlier once a receiver batch waits for the lock.
    // Returns the index after the last payload committed.
    private int IndexSlice(SqliteConnection connection, List<IndexItem> prepared, int start, out bool relayQueued)
    {
        relayQueued = false;
        using var transaction = connection.BeginTransaction();
        using var findEvent = Command(connection, transaction, WebhookInboxSchema.FindEvent, "$dedup_key");
        using var upsertEvent = Command(connection, transaction, WebhookInboxSchema.UpsertEvent,
            "$payload_id", "$dedup_key", "$kind", "$field", "$waba_id", "$phone_number_id", "$message_type", "$wamid",
            "$status", "$from_id", "$recipient_id", "$event_time", "$received_at", "$event_json", "$raw_json");
        using var queueRelay = Command(connection, transaction, WebhookInboxSchema.QueueRelay, "$payload_id", "$phone_number_id", "$now");
        using var markIndexed = Command(connection, transaction, WebhookInboxSchema.MarkIndexed,
            "$index_state", "$index_error", "$event_count", "$new", "$duplicates", "$relay_state", "$phone_number_id", "$id");

        // Keys stored earlier in this transaction, so a key repeated within the slice counts as a duplicate too.
        var written = new HashSet<string>(StringComparer.Ordinal);
        var i = start;
        while (i < prepared.Count && (i - start < MinIndexSlice || !_appendWaiting))
        {
            var item = prepared[i++];
            if (item.Error is not null)
            {
                // Kept, with the reason; never indexed again (the body will not change).
                Set(markIndexed, WebhookInboxSchema.Failed, item.Error, 0, 0, 0, "none", "", item.Id);
                markIndexed.ExecuteNonQuery();
                continue;
            }

            int fresh = 0, duplicates = 0;
            for (var j = 0; j < item.Events.Count; j++)
            {
                var e = item.Events[j];
                var isNew = false;
                if (!written.Contains(e.DedupKey))
                {
                    Set(findEvent, e.DedupKey);
                    isNew = findEvent.ExecuteScalar() is null;
                }

                if (isNew)
                {
                    fresh++;
                    written.Add(e.DedupKey);
                }
                else
                {
                    duplicates++;
                }

                Set(upsertEvent, item.Id, e.DedupKey, KindNames[(int)e.Kind], e.Field, e.WabaId, e.PhoneNumberId, e.MessageType,
                    e.Wamid, e.Status, e.From, e.RecipientId, e.Timestamp?.ToUnixTimeSeconds(), item.ReceivedAt, item.EventJson[j], e.RawJson);
                upsertEvent.ExecuteNonQuery();
            }

            // A pure redelivery has nothing new for the app: it is kept for audit but not relayed again.
            if (fresh > 0)
            {
                Set(queueRelay, item.Id, item.PhoneNumberId, item.ReceivedAt);
                relayQueued |= queueRelay.ExecuteNonQuery() > 0;
            }

            Set(markIndexed, WebhookInboxSchema.Indexed, null, item.Events.Count, fresh, duplicates, fresh > 0 ? "pending" : "none", item.PhoneNumberId, item.Id);
            markIndexed.ExecuteNonQuery();
        }

        transaction.Commit();
        return i;
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

    private static long? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : null;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class PendingAppend(byte[] body, DateTimeOffset receivedAt)
    {
        public byte[] Body { get; } = body;

        public string BodySha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(body));

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public TaskCompletionSource<WebhookAppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // A stored payload read back by the indexer, with its events extracted (or why they could not be).
    private sealed class IndexItem
    {
        public IndexItem(long id, long receivedAt, WebhookParseResult parsed)
        {
            Id = id;
            ReceivedAt = receivedAt;
            Error = parsed.Error;
            Events = parsed.Events;
            // The raw JSON goes to its own column: escaping it again inside event_json would double its size.
            EventJson = [.. Events.Select(e => JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent))];
            // Routes the payload's relay deliveries (one conversation queue per target and number): the first number named.
            PhoneNumberId = Events.Select(e => e.PhoneNumberId).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "";
        }

        public long Id { get; }

        public long ReceivedAt { get; }

        public string? Error { get; }

        public IReadOnlyList<WebhookEvent> Events { get; }

        public string[] EventJson { get; }

        public string PhoneNumberId { get; }
    }
}
