using System.Threading.Channels;
using Evertoken.Storage;

namespace Evertoken.Server.Hosting;

/// <summary>
/// Audit entries of hot paths (token value reads), written behind the request by one writer that commits every entry
/// waiting in a single transaction (<see cref="ITokenStore.AppendAuditAsync(IReadOnlyList{AuditEntry}, CancellationToken)"/>):
/// a read costs a queue write, not a SQLite commit. <see cref="FlushAsync"/> waits until everything queued before it is
/// committed (the audit API calls it, so it always lists what was done before); stopping the host drains the queue;
/// an entry queued after the stop is written directly. A crash loses at most the entries of the last moments.
/// Identical entries of one batch (the same action, actor, token and detail: an app reading its token in a loop) are
/// written as one row that counts them (<see cref="AuditCoalescing"/>): every read is still accounted for, to within
/// a few milliseconds, while the log grows by a row per batch rather than by a row per read.
/// </summary>
internal sealed partial class AuditWriter(ITokenStore store, ILogger<AuditWriter> logger) : IHostedService
{
    // Bounded: a store slower than the reads makes callers wait (back-pressure) rather than grow memory.
    private const int Capacity = 16 * 1024;
    private const int MaxBatch = 1024;

    // After the first entry of a batch, wait this long for more unless a flush is asked for: under load a commit
    // then carries tens of rows instead of one or two. Real time, not the host's clock: it only paces the writer.
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private Task _writing = Task.CompletedTask;

    /// <summary>Queues an entry; waits only while the queue is full. After the host stopped, writes it directly.</summary>
    public ValueTask AppendAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var item = new Item(entry, null);
        return _queue.Writer.TryWrite(item) ? ValueTask.CompletedTask : AppendSlowAsync(item, cancellationToken);
    }

    /// <summary>Completes once every entry queued before the call is committed (or failed and was logged).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Item(null, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Stopped: the drain is under way or done; wait for it.
            await _writing.WaitAsync(cancellationToken);
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _writing = Task.Run(WriteLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await _writing.WaitAsync(cancellationToken);
    }

    private async ValueTask AppendSlowAsync(Item item, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(item, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await store.AppendAuditAsync(item.Entry!, cancellationToken);
        }
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<AuditEntry>();
        var flushes = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync())
        {
            Drain(reader, batch, flushes);
            if (flushes.Count == 0 && batch.Count < MaxBatch)
            {
                await Task.Delay(Linger, TimeProvider.System);
                Drain(reader, batch, flushes);
            }

            await CommitAsync(batch);
            batch.Clear();
            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private static void Drain(ChannelReader<Item> reader, List<AuditEntry> batch, List<TaskCompletionSource> flushes)
    {
        while (batch.Count < MaxBatch && reader.TryRead(out var item))
        {
            if (item.Entry is { } entry)
            {
                batch.Add(entry);
            }
            else
            {
                flushes.Add(item.Flushed!);
            }
        }
    }

    private async Task CommitAsync(List<AuditEntry> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        // One retry covers a transient lock held by another process past the busy timeout.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.AppendAuditAsync(AuditCoalescing.Coalesce(batch), CancellationToken.None);
                return;
            }
            catch (Exception e) when (attempt < 2)
            {
                LogRetrying(logger, batch.Count, e.GetType().Name, e.Message);
            }
            catch (Exception e)
            {
                LogLost(logger, batch.Count, e.GetType().Name, e.Message);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} audit entries failed ({Type}: {Message}); trying once more")]
    private static partial void LogRetrying(ILogger logger, int count, string type, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} audit entries failed again ({Type}: {Message}); they are lost")]
    private static partial void LogLost(ILogger logger, int count, string type, string message);

    /// <summary>An entry to write, or a flush request to complete once everything before it is written.</summary>
    private readonly record struct Item(AuditEntry? Entry, TaskCompletionSource? Flushed);
}
