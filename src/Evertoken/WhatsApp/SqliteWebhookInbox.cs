using System.Buffers;
using System.Text;
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
/// <para>Stage 2 (indexing): woken by every stage 1 commit, an indexer thread of the lowest CPU priority reads the
/// committed unindexed payloads in id order on its own connection and extracts their events
/// (<see cref="WebhookEventExtractor"/>); the writer thread, whenever no append is waiting, upserts them (one row per
/// dedup key; a redelivered event is counted on the stored row), queues the relay deliveries and marks the payloads
/// <c>indexed</c>, in one transaction per slice: a crash at any point leaves each payload either unindexed (indexed
/// after the restart, which the indexer does first) or indexed with all its events, never half. A payload whose
/// events cannot be read is kept and marked <c>failed</c> with the reason. Events become visible to queries and the
/// relay once indexed: milliseconds after the 200 on a machine with CPU to spare; during a burst that saturates the
/// CPU, the receiver goes first and indexing catches up after (<see cref="WaitForIndexAsync"/> waits for it).</para>
/// <para>One connection writes both stages, so they never contend for SQLite's write lock, and appends always go
/// before index work. Index transactions commit with <c>synchronous=NORMAL</c> even when stage 1 uses FULL: losing
/// them to a power cut only means indexing those payloads again, and the next FULL commit syncs them anyway. Reads
/// use their own connections and wait for neither stage.</para>
/// <para>A flusher thread syncs the file's new pages every <see cref="WebhookInboxOptions.FileFlushInterval"/>, so the
/// syncs SQLite makes at each checkpoint, on the writer thread, find little left to write
/// (<see cref="SqliteFileFlusher"/>).</para>
/// </summary>
public sealed class SqliteWebhookInbox : IWebhookInbox, IAsyncDisposable
{
    private static readonly string[] KindNames = Enum.GetNames<WebhookEventKind>();

    // An index slice takes at least this many payloads even when appends are waiting, so indexing always moves on.
    private const int MinIndexSlice = 4;

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
    private readonly SemaphoreSlim _writerWake = new(0, 1);
    private readonly Channel<List<IndexItem>> _prepared = Channel.CreateBounded<List<IndexItem>>(new BoundedChannelOptions(2)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });
    private Task? _writer;
    private Task? _indexer;
    private SqliteFileFlusher? _flusher;
    private string _insertPayload = WebhookInboxSchema.InsertPayload;
    private SqliteCommand? _insertCommand; // the writer thread's, prepared once
    // The writer thread's: (last payload id, commit time in ms) of each append batch not yet wholly indexed, oldest
    // first, for the age of the oldest unindexed payload (MaxIndexDelay).
    private readonly Queue<(long LastId, long At)> _unindexedBatches = new();
    private volatile bool _initialized;
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

    /// <summary>Payloads committed by stage 1 and not yet indexed (payload ids are consecutive).</summary>
    internal long IndexLag => Math.Max(0, LastAppendedPayloadId - IndexedThrough);

    /// <summary>
    /// Index slices wait this long after the last append batch (a burst is over when no append came for that long),
    /// unless the backlog is over <see cref="WebhookInboxOptions.MaxIndexLag"/> or older than
    /// <see cref="WebhookInboxOptions.MaxIndexDelay"/>. Settable for tests.
    /// </summary>
    internal TimeSpan BurstQuietPeriod { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The clock of <see cref="WebhookInboxOptions.MaxIndexDelay"/>. Settable for tests.</summary>
    internal TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>The flusher of the file's pages (null when <see cref="WebhookInboxOptions.FileFlushInterval"/> is zero or before start).</summary>
    internal SqliteFileFlusher? Flusher => _flusher;

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
                    foreach (var (through, steps) in WebhookInboxSchema.Upgrades)
                    {
                        if (version >= 1 && version <= through)
                        {
                            foreach (var step in steps)
                            {
                                Execute(writer, step, transaction);
                            }
                        }
                    }

                    Execute(writer, WebhookInboxSchema.Create, transaction);
                    if (Scalar(writer, WebhookInboxSchema.HasRawOffsetColumn, transaction) == 0)
                    {
                        foreach (var step in WebhookInboxSchema.AddRawOffsetColumns)
                        {
                            Execute(writer, step, transaction);
                        }
                    }

                    if (Scalar(writer, WebhookInboxSchema.HasBodyHashColumn, transaction) > 0)
                    {
                        _insertPayload = WebhookInboxSchema.InsertPayloadLegacy;
                    }

                    Execute(writer, $"PRAGMA user_version={WebhookInboxSchema.Version};", transaction);
                    transaction.Commit();
                }

                var last = Scalar(writer, WebhookInboxSchema.LastPayload) ?? 0;
                var done = Scalar(writer, WebhookInboxSchema.LastDone) ?? 0;
                Interlocked.Exchange(ref _lastAppended, last);
                Interlocked.Exchange(ref _indexedThrough, done);
                if (last > done)
                {
                    // What a previous run left unindexed counts as received now (its age is not worth a query).
                    _unindexedBatches.Enqueue((last, NowMs()));
                }

                // The indexer's own connection only reads (the payloads to extract); the writer writes its results.
                indexer = await OpenWriterAsync(synchronousFull: false, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await writer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _writer = StartThread("Evertoken webhook inbox writer", () => WriterLoop(writer));
            _indexer = StartThread("Evertoken webhook inbox indexer", () => IndexerLoop(indexer, _indexedThrough));
            if (_options.FileFlushInterval > TimeSpan.Zero)
            {
                _flusher = new SqliteFileFlusher(Path.GetFullPath(_options.DatabasePath), _options.FileFlushInterval,
                    () => CommittedBatches + IndexBatches, Clock, _logger);
            }

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
        // Copied here, on the caller's thread, so the single writer only runs SQL.
        var pending = new PendingAppend(rawBody.ToArray(), receivedAt);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteWebhookInbox));
        }

        Wake(_writerWake);

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
        command.CommandText = WebhookInboxSchema.SelectEvents
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + " ORDER BY id LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await WebhookEventRows.ReadPageAsync(reader, query.Limit, cancellationToken).ConfigureAwait(false);
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
        await _stopIndexer.CancelAsync().ConfigureAwait(false);
        if (_initialized)
        {
            Wake(_writerWake);
        }

        if (_writer is { } writer)
        {
            await writer.ConfigureAwait(false);
        }

        if (_indexer is { } indexer)
        {
            await indexer.ConfigureAwait(false);
        }

        _flusher?.Dispose();
        Volatile.Read(ref _indexProgress).TrySetException(new ObjectDisposedException(nameof(SqliteWebhookInbox)));
        await _shutdown.CancelAsync().ConfigureAwait(false);
        _shutdown.Dispose();
        _stopIndexer.Dispose();
        _initLock.Dispose();
        _indexWake.Dispose();
        _writerWake.Dispose();
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
            // Before WAL mode: a new file takes it; an existing one keeps its own.
            Execute(connection, $"PRAGMA page_size={WebhookInboxSchema.PageSize};");
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

    // The single writer: appends first; index slices in the gaps between them once a burst is over, or alternating
    // with append batches while the backlog is over MaxIndexLag or older than MaxIndexDelay.
    private void WriterLoop(SqliteConnection connection)
    {
        using var owned = connection;
        using var insert = new CommandOwner(this);
        var batch = new List<PendingAppend>(_options.MaxBatchSize);
        var reader = _queue.Reader;
        List<IndexItem>? indexing = null;
        var indexed = 0;
        var retryAt = 0L;
        var backoff = TimeSpan.Zero;
        var lastAppendAt = long.MinValue / 2;
        var indexTurn = false;
        var readSelf = true;
        while (true)
        {
            var overLag = IndexLag > _options.MaxIndexLag || OldestUnindexedAgeMs() > _options.MaxIndexDelay.TotalMilliseconds;
            if (reader.TryPeek(out _) && !(overLag && indexTurn && Environment.TickCount64 >= retryAt))
            {
                AppendBatch(connection, reader, batch);
                lastAppendAt = Environment.TickCount64;
                (indexTurn, readSelf) = (true, true);
                continue;
            }

            // Disposing: every queued append is written; index work left over is done on the next start.
            if (reader.Completion.IsCompleted)
            {
                return;
            }

            if (indexing is null && _prepared.Reader.TryRead(out var next))
            {
                (indexing, indexed) = (next, 0);
                // The writer may have indexed these itself meanwhile (below): indexing goes in id order, so skip them.
                var through = IndexedThrough;
                while (indexed < indexing.Count && indexing[indexed].Id <= through)
                {
                    indexed++;
                }

                if (indexed == indexing.Count)
                {
                    indexing = null;
                    continue;
                }
            }

            var now = Environment.TickCount64;
            if (indexing is null && overLag && readSelf && now >= retryAt)
            {
                // Over the cap the low-priority indexer may get no CPU at all: the writer reads and extracts itself.
                try
                {
                    var items = ReadUnindexed(connection, IndexedThrough);
                    (indexing, indexed, readSelf) = (items.Count == 0 ? null : items, 0, items.Count > 0);
                }
                catch (Exception ex)
                {
                    backoff = NextBackoff(backoff);
                    retryAt = now + (long)backoff.TotalMilliseconds;
                    WhatsAppLog.InboxIndexerFailed(_logger, backoff, ex);
                }
            }

            var wait = Timeout.InfiniteTimeSpan;
            if (indexing is not null)
            {
                var quietAt = lastAppendAt + (long)BurstQuietPeriod.TotalMilliseconds;
                if (!overLag && now < quietAt)
                {
                    // A burst: appends only, until it ends or the backlog reaches the cap.
                    wait = TimeSpan.FromMilliseconds(quietAt - now);
                }
                else if (now >= retryAt)
                {
                    try
                    {
                        indexed = IndexSlice(connection, indexing, indexed, whole: overLag);
                        backoff = TimeSpan.Zero;
                    }
                    catch (Exception ex)
                    {
                        // The file is busy or the disk full: nothing of the slice was committed; it is retried
                        // later, and appends go on meanwhile.
                        backoff = NextBackoff(backoff);
                        retryAt = Environment.TickCount64 + (long)backoff.TotalMilliseconds;
                        WhatsAppLog.InboxIndexerFailed(_logger, backoff, ex);
                    }

                    indexTurn = false;
                    if (indexed == indexing.Count)
                    {
                        indexing = null;
                    }

                    continue;
                }
                else
                {
                    wait = TimeSpan.FromMilliseconds(retryAt - now);
                }
            }
            else if (overLag && now < retryAt)
            {
                wait = TimeSpan.FromMilliseconds(retryAt - now);
            }

            _writerWake.Wait(wait);
        }
    }

    private static TimeSpan NextBackoff(TimeSpan backoff) =>
        backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));

    private void AppendBatch(SqliteConnection connection, ChannelReader<PendingAppend> reader, List<PendingAppend> batch)
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
            return;
        }

        try
        {
            var ids = WriteBatch(connection, batch);
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

    private void WriteAlone(SqliteConnection connection, PendingAppend pending)
    {
        try
        {
            var id = WriteBatch(connection, [pending])[0];
            Committed(1, id);
            pending.Completion.TrySetResult(new WebhookAppendResult(id));
        }
        catch (Exception ex)
        {
            pending.Completion.TrySetException(ex);
        }
    }

    private long NowMs() => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    // Writer thread only. 0 when everything is indexed.
    private long OldestUnindexedAgeMs()
    {
        var through = IndexedThrough;
        while (_unindexedBatches.TryPeek(out var oldest) && oldest.LastId <= through)
        {
            _unindexedBatches.Dequeue();
        }

        return _unindexedBatches.TryPeek(out var first) ? NowMs() - first.At : 0;
    }

    private void Committed(int appends, long lastId)
    {
        _unindexedBatches.Enqueue((lastId, NowMs()));
        Interlocked.Increment(ref _committedBatches);
        Interlocked.Add(ref _committedAppends, appends);
        Interlocked.Exchange(ref _lastAppended, lastId);
        Wake(_indexWake);
    }

    // A one-slot signal: a release while the slot is full is a no-op.
    private static void Wake(SemaphoreSlim signal)
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    private long[] WriteBatch(SqliteConnection connection, List<PendingAppend> batch)
    {
        if (_options.SynchronousFull)
        {
            // Index slices on this connection run with NORMAL; a 200 needs FULL.
            Execute(connection, "PRAGMA synchronous=FULL;");
        }

        var ids = new long[batch.Count];
        using var transaction = connection.BeginTransaction();
        var insertPayload = _insertCommand ??= Command(connection, transaction, _insertPayload, "$received_at", "$body");
        insertPayload.Transaction = transaction;
        var receivedAt = insertPayload.Parameters[0];
        var body = insertPayload.Parameters[1];
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            receivedAt.Value = pending.ReceivedAt.ToUnixTimeMilliseconds();
            body.Value = pending.Body;
            insertPayload.ExecuteNonQuery();
            // This connection's own last insert (the writer is the only user of it).
            ids[i] = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
        }

        transaction.Commit();
        return ids;
    }

    // The indexer thread: reads committed unindexed payloads past the last one it handed over, extracts their events
    // and hands them to the writer. It runs at the lowest CPU priority, holding no lock, so under a CPU-saturating
    // burst it simply falls behind (and the writer gets no index work) instead of slowing the receiver down.
    private void IndexerLoop(SqliteConnection connection, long indexedThrough)
    {
        using var owned = connection;
        BackgroundPriority.Apply();
        var stop = _stopIndexer.Token;
        var after = indexedThrough;
        var backoff = TimeSpan.Zero;
        try
        {
            // No wait before the first pass: it indexes what a crash left unindexed.
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (_beforeIndexBatch is not null)
                    {
                        _beforeIndexBatch(stop).AsTask().GetAwaiter().GetResult();
                    }

                    var items = ReadUnindexed(connection, after);
                    if (items.Count == 0)
                    {
                        _indexWake.Wait(stop);
                        continue;
                    }

                    _prepared.Writer.WriteAsync(items, stop).AsTask().GetAwaiter().GetResult();
                    after = items[^1].Id;
                    Wake(_writerWake);
                    backoff = TimeSpan.Zero;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
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

    private List<IndexItem> ReadUnindexed(SqliteConnection connection, long after)
    {
        var rows = new List<(long Id, long ReceivedAt, byte[] Body)>(_options.MaxBatchSize);
        using (var select = connection.CreateCommand())
        {
            select.CommandText = WebhookInboxSchema.SelectUnindexed;
            select.Parameters.AddWithValue("$after", after);
            select.Parameters.AddWithValue("$limit", _options.MaxBatchSize);
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1), (byte[])reader.GetValue(2)));
            }
        }

        return [.. rows.Select(r => new IndexItem(r.Id, r.ReceivedAt, r.Body, WebhookEventExtractor.ExtractEvents(r.Body)))];
    }

    // One transaction from prepared[start]: to the end, or (unless whole) earlier once an append waits, after a few
    // payloads. Returns the index after the last payload committed.
    private int IndexSlice(SqliteConnection connection, List<IndexItem> prepared, int start, bool whole)
    {
        if (_options.SynchronousFull)
        {
            Execute(connection, "PRAGMA synchronous=NORMAL;");
        }

        var relayQueued = false;
        using var transaction = connection.BeginTransaction();
        using var stillUnindexed = Command(connection, transaction, WebhookInboxSchema.StillUnindexed, "$id");
        using var insertEvent = Command(connection, transaction, WebhookInboxSchema.InsertEvent,
            "$payload_id", "$dedup_key", "$kind", "$field", "$waba_id", "$phone_number_id", "$message_type", "$wamid",
            "$status", "$from_id", "$recipient_id", "$event_time", "$received_at", "$event_json", "$raw_json", "$raw_offset", "$raw_length");
        using var countDuplicate = Command(connection, transaction, WebhookInboxSchema.CountDuplicate, "$received_at", "$dedup_key");
        using var queueRelay = Command(connection, transaction, WebhookInboxSchema.QueueRelay, "$payload_id", "$phone_number_id", "$now");
        using var markIndexed = Command(connection, transaction, WebhookInboxSchema.MarkIndexed,
            "$index_state", "$index_error", "$event_count", "$new", "$duplicates", "$relay_state", "$phone_number_id", "$id");

        var i = start;
        while (i < prepared.Count && (whole || i - start < MinIndexSlice || _queue.Reader.Count == 0))
        {
            var item = prepared[i++];
            Set(stillUnindexed, item.Id);
            if (stillUnindexed.ExecuteScalar() is null)
            {
                // Indexed by another inbox on the same file since it was read: indexing it again would recount it.
                continue;
            }

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
                var (rawOffset, rawLength) = item.RawAt[j];
                // A key stored earlier in this same transaction conflicts too, so it counts as a duplicate as well.
                Set(insertEvent, item.Id, e.DedupKey, KindNames[(int)e.Kind], e.Field, e.WabaId, e.PhoneNumberId, e.MessageType,
                    e.Wamid, e.Status, e.From, e.RecipientId, e.Timestamp?.ToUnixTimeSeconds(), item.ReceivedAt, item.EventJson[j],
                    rawOffset is null ? e.RawJson : null, rawOffset, rawLength);
                if (insertEvent.ExecuteNonQuery() == 1)
                {
                    fresh++;
                }
                else
                {
                    duplicates++;
                    Set(countDuplicate, item.ReceivedAt, e.DedupKey);
                    countDuplicate.ExecuteNonQuery();
                }
            }

            // A pure redelivery has nothing new for the app: it is kept for audit but not relayed again. Without a
            // relay target for its number there is nothing to wait for either: 'none', not 'pending'.
            var deliveries = 0;
            if (fresh > 0)
            {
                Set(queueRelay, item.Id, item.PhoneNumberId, item.ReceivedAt);
                deliveries = queueRelay.ExecuteNonQuery();
                relayQueued |= deliveries > 0;
            }

            Set(markIndexed, WebhookInboxSchema.Indexed, null, item.Events.Count, fresh, duplicates, deliveries > 0 ? "pending" : "none", item.PhoneNumberId, item.Id);
            markIndexed.ExecuteNonQuery();
        }

        transaction.Commit();
        for (var k = start; k < i; k++)
        {
            if (prepared[k].Error is { } error)
            {
                Interlocked.Increment(ref _failedPayloads);
                WhatsAppLog.WebhookPayloadNotIndexed(_logger, prepared[k].Id, error);
            }
        }

        Interlocked.Increment(ref _indexBatches);
        Interlocked.Exchange(ref _indexedThrough, prepared[i - 1].Id);
        Interlocked.Exchange(ref _indexProgress, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        if (relayQueued)
        {
            RelayQueued?.Invoke();
        }

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

    private static long? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
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

        public DateTimeOffset ReceivedAt { get; } = receivedAt;

        public TaskCompletionSource<WebhookAppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // A stored payload read back by the indexer, with its events extracted (or why they could not be).
    private sealed class IndexItem
    {
        public IndexItem(long id, long receivedAt, byte[] body, WebhookParseResult parsed)
        {
            Id = id;
            ReceivedAt = receivedAt;
            Error = parsed.Error;
            Events = parsed.Events;
            // The raw JSON stays out of event_json (escaped again inside it, it would double in size): it is stored as
            // its place in the body (RawAt), or as text in raw_json when it cannot be found there.
            EventJson = [.. Events.Select(e => JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent))];
            RawAt = [.. Events.Select(e => LocateRaw(body, e.RawJson))];
            // Routes the payload's relay deliveries (one conversation queue per target and number): the first number named.
            PhoneNumberId = Events.Select(e => e.PhoneNumberId).FirstOrDefault(p => !string.IsNullOrEmpty(p)) ?? "";
        }

        public long Id { get; }

        public long ReceivedAt { get; }

        public string? Error { get; }

        public IReadOnlyList<WebhookEvent> Events { get; }

        public string[] EventJson { get; }

        /// <summary>Where each event's raw JSON lies in the body (byte offset and length), or nulls to store it as text.</summary>
        public (long? Offset, long? Length)[] RawAt { get; }

        public string PhoneNumberId { get; }

        // The raw JSON is the item's text exactly as it came (JsonElement.GetRawText of the parsed body), so its UTF-8
        // bytes occur in the body; when an identical item occurs twice either copy reads back the same.
        private static (long?, long?) LocateRaw(byte[] body, string raw)
        {
            if (raw.Length == 0)
            {
                return (null, null);
            }

            var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(raw.Length));
            try
            {
                var length = Encoding.UTF8.GetBytes(raw, rented);
                var at = body.AsSpan().IndexOf(rented.AsSpan(0, length));
                return at < 0 ? (null, null) : (at, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // Disposes the writer's cached insert command when the writer loop ends, before its connection.
    private readonly struct CommandOwner(SqliteWebhookInbox inbox) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref inbox._insertCommand, null)?.Dispose();
    }
}
