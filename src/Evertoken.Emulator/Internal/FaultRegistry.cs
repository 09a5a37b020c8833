using System.Globalization;

namespace Evertoken.Emulator.Internal;

/// <summary>The active faults, first added first matched; a counted fault is removed once used up.</summary>
internal sealed class FaultRegistry
{
    private readonly Lock _gate = new();
    private readonly List<ActiveFault> _faults = [];
    private long _nextId;

    public string Add(FaultSpec spec)
    {
        lock (_gate)
        {
            var id = "fault-" + (++_nextId).ToString(CultureInfo.InvariantCulture);
            _faults.Add(new ActiveFault(id, spec, spec.Count));
            return id;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public IReadOnlyList<ActiveFault> Snapshot()
    {
        lock (_gate)
        {
            return [.. _faults];
        }
    }

    /// <summary>Finds the first fault for the call and uses one of its counts.</summary>
    public ActiveFault? Take(string method, string path)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if (!Matches(fault.Spec, method, path))
                {
                    continue;
                }

                if (fault.Remaining is { } remaining)
                {
                    if (remaining <= 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else
                    {
                        _faults[i] = fault with { Remaining = remaining - 1 };
                    }
                }

                return fault;
            }

            return null;
        }
    }

    private static bool Matches(FaultSpec spec, string method, string path)
    {
        if (spec.Method is { } m && !m.Equals(method, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (spec.Path is "*" or "" or "/")
        {
            return true;
        }

        var prefix = spec.Path.StartsWith('/') ? spec.Path : "/" + spec.Path;
        var (stripped, _) = GraphRequest.SplitVersion(prefix);
        return path.StartsWith(stripped, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>A fault with its id and the calls it still applies to (null = unlimited).</summary>
internal sealed record ActiveFault(string Id, FaultSpec Spec, int? Remaining);
