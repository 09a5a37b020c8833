namespace Evertoken.Emulator.Internal;

/// <summary>
/// A token bucket on the emulator clock: starts full, refills continuously. Capacity and rate are passed at each
/// take so a settings change applies at once. Not thread-safe: callers hold their own lock.
/// </summary>
internal sealed class TokenBucket
{
    private double _tokens = double.NaN;
    private DateTimeOffset _at;

    /// <summary>Takes one token when available; false when the bucket is empty.</summary>
    public bool TryTake(DateTimeOffset now, double capacity, double perSecond)
    {
        // An interval of 0 means no limit: the rate is infinite, and 0 elapsed × ∞ would make the bucket NaN.
        if (double.IsPositiveInfinity(perSecond))
        {
            _at = now;
            _tokens = capacity;
            return true;
        }

        if (double.IsNaN(_tokens))
        {
            _tokens = capacity;
        }
        else
        {
            var elapsed = Math.Max(0, (now - _at).TotalSeconds);
            _tokens = Math.Min(capacity, _tokens + (elapsed * perSecond));
        }

        _at = now;
        if (_tokens >= 1)
        {
            _tokens -= 1;
            return true;
        }

        return false;
    }
}
