namespace Evertoken.Emulator.Internal;

/// <summary>The recorded Graph calls, oldest first, capped so a long sandbox run does not grow without end.</summary>
internal sealed class CallLog
{
    private const int Capacity = 10_000;
    private readonly Lock _gate = new();
    private readonly LinkedList<RecordedCall> _calls = new();
    private long _seq;

    public long NextSeq() => Interlocked.Increment(ref _seq);

    public void Add(RecordedCall call)
    {
        lock (_gate)
        {
            // Calls finish out of order; keep the list sorted by seq so "since" filtering stays simple.
            var node = _calls.Last;
            while (node is not null && node.Value.Seq > call.Seq)
            {
                node = node.Previous;
            }

            if (node is null)
            {
                _calls.AddFirst(call);
            }
            else
            {
                _calls.AddAfter(node, call);
            }

            if (_calls.Count > Capacity)
            {
                _calls.RemoveFirst();
            }
        }
    }

    public IReadOnlyList<RecordedCall> Snapshot(string? pathPrefix = null, long since = 0)
    {
        lock (_gate)
        {
            return [.. _calls.Where(c => c.Seq > since
                && (pathPrefix is null || c.Path.StartsWith(pathPrefix, StringComparison.OrdinalIgnoreCase)))];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _calls.Clear();
        }
    }
}
