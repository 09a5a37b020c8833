namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// Locks the dashboard login for a client address after <see cref="MaxFailures"/> wrong passwords in a row, for
/// <see cref="LockoutPeriod"/>. In memory (a restart forgets it; the PBKDF2 cost still slows guessing) and on the
/// injected clock so tests can move time.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time)
{
    /// <summary>Wrong passwords in a row that lock the address. 5.</summary>
    public const int MaxFailures = 5;

    /// <summary>How long a lockout lasts. 5 minutes.</summary>
    public static readonly TimeSpan LockoutPeriod = TimeSpan.FromMinutes(5);

    // Bounds memory if many addresses fail once: entries idle this long are dropped.
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(30);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>When the address is locked out, until when; otherwise null.</summary>
    public DateTimeOffset? LockedUntil(string address)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            return _entries.TryGetValue(address, out var e) && e.LockedUntil > now ? e.LockedUntil : null;
        }
    }

    /// <summary>Counts a wrong password; returns the end of the lockout when this one started it.</summary>
    public DateTimeOffset? RecordFailure(string address)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            var e = _entries.GetValueOrDefault(address);
            var failures = e is { LockedUntil: { } until } && until <= now ? 1 : (e?.Failures ?? 0) + 1;
            DateTimeOffset? lockedUntil = failures >= MaxFailures ? now + LockoutPeriod : null;
            _entries[address] = new Entry(lockedUntil is null ? failures : 0, lockedUntil, now);
            return lockedUntil;
        }
    }

    /// <summary>Forgets the failures of an address after a right password.</summary>
    public void RecordSuccess(string address)
    {
        lock (_gate)
        {
            _entries.Remove(address);
        }
    }

    private void Prune(DateTimeOffset now)
    {
        if (_entries.Count < 1024)
        {
            return;
        }

        foreach (var (key, e) in _entries.ToList())
        {
            if (now - e.LastFailure > ForgetAfter && !(e.LockedUntil > now))
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed record Entry(int Failures, DateTimeOffset? LockedUntil, DateTimeOffset LastFailure);
}
