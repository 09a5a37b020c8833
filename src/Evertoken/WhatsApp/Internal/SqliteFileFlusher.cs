using Microsoft.Extensions.Logging;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Writes the inbox file's dirty pages to disk ahead of SQLite's own syncs. With <c>synchronous=NORMAL</c> SQLite syncs
/// only at a checkpoint: the WAL (about 16 MB after 1,000 pages), then the database file it just copied them into, both
/// on the writer thread, where every webhook waiting for its 200 waits with it. Measured in the webhook bench, those two
/// syncs took 30 ms and 17 ms, three to four times a second during a burst: a fifth of the time the writer could not
/// commit. Synced every <see cref="WebhookInboxOptions.FileFlushInterval"/> from this thread, the pages are already on
/// disk when the checkpoint asks, and its syncs take a few milliseconds.
/// <para>It only makes data durable sooner: SQLite still issues every sync it needs, in its own order, so what a
/// crash or a power cut can lose is unchanged. It flushes only after the writer committed something, so an idle inbox
/// causes no disk writes.</para>
/// </summary>
internal sealed class SqliteFileFlusher : IDisposable
{
    private readonly string[] _files;
    private readonly Func<long> _writes;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _tick = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly ITimer _timer;
    private readonly Thread _thread;
    private long _flushes;
    private long _ticks;
    private long _flushedAt;
    private bool _failing;

    /// <param name="databasePath">The SQLite file; its <c>-wal</c> file is flushed first.</param>
    /// <param name="interval">How often to look for new writes.</param>
    /// <param name="writes">A count that grows with every commit on the file.</param>
    /// <param name="time">The clock of the interval.</param>
    /// <param name="logger">Where a failing flush is reported (once, until one succeeds again).</param>
    public SqliteFileFlusher(string databasePath, TimeSpan interval, Func<long> writes, TimeProvider time, ILogger logger)
    {
        _files = [databasePath + "-wal", databasePath];
        _writes = writes;
        _logger = logger;
        // Read here, not on the new thread: a commit made before the thread runs must still count as new.
        _flushedAt = writes();
        _thread = new Thread(Loop) { IsBackground = true, Name = "Evertoken webhook inbox flusher" };
        _thread.Start();
        _timer = time.CreateTimer(_ => Signal(), null, interval, interval);
    }

    /// <summary>Flushes done (each syncs both files).</summary>
    internal long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>Intervals handled, with or without a flush.</summary>
    internal long Ticks => Interlocked.Read(ref _ticks);

    public void Dispose()
    {
        _timer.Dispose();
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
        _tick.Dispose();
    }

    private void Signal()
    {
        try
        {
            if (_tick.CurrentCount == 0)
            {
                _tick.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or stopping.
        }
    }

    // A thread of its own: a sync blocks for milliseconds, which a thread-pool thread should not.
    private void Loop()
    {
        try
        {
            while (true)
            {
                _tick.Wait(_stop.Token);
                var writes = _writes();
                if (writes != _flushedAt)
                {
                    _flushedAt = writes;
                    Flush();
                }

                Interlocked.Increment(ref _ticks);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private void Flush()
    {
        try
        {
            foreach (var file in _files)
            {
                // Opened each time: SQLite may delete and recreate the WAL, and a kept handle would sync a dead file.
                using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(handle);
            }

            Interlocked.Increment(ref _flushes);
            _failing = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only an optimisation: SQLite's own syncs still run. Reported once per failing streak.
            if (!_failing)
            {
                _failing = true;
                WhatsAppLog.InboxFlushFailed(_logger, ex);
            }
        }
    }
}
