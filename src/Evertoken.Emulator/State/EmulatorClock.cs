namespace Evertoken.Emulator;

/// <summary>
/// The emulator's time: a base clock (real time unless given) running at <see cref="Speed"/>, plus an offset that
/// <see cref="Advance"/> moves forward. Token issue and expiry, <c>debug_token</c> times and the "Session has expired"
/// message all read it.
/// </summary>
public sealed class EmulatorClock : TimeProvider
{
    private readonly TimeProvider _base;
    private readonly DateTimeOffset _anchor;
    private long _offsetTicks;

    /// <summary>Creates a clock.</summary>
    /// <param name="baseTime">The underlying time. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="speed">How fast emulated time runs against the base clock (1 = real time; 60 = a minute per second). Default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="speed"/> is not positive.</exception>
    public EmulatorClock(TimeProvider? baseTime = null, double speed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(speed);
        _base = baseTime ?? System;
        _anchor = _base.GetUtcNow();
        Speed = speed;
    }

    /// <summary>The speed factor against the base clock.</summary>
    public double Speed { get; }

    /// <summary>How far <see cref="Advance"/> has moved the clock in total.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => _base.LocalTimeZone;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        var now = _base.GetUtcNow();
        var elapsed = now - _anchor;
        var scaled = Speed == 1 ? elapsed : TimeSpan.FromTicks((long)(elapsed.Ticks * Speed));
        return _anchor + scaled + Offset;
    }

    /// <summary>Moves emulated time forward.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="by"/> is negative.</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
