using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Evertoken.Emulator;

/// <summary>
/// How long a minted token lives: <see cref="Short"/> (a login's short-lived user token, about 2 hours, and
/// <c>debug_token</c> shows no <c>issued_at</c> for it), <see cref="SixtyDays"/> (5,184,000 s), <see cref="Never"/>
/// (<c>expires_at: 0</c>) or any number of seconds.
/// </summary>
public readonly record struct TokenLifetime
{
    /// <summary>The length of a long-lived token: 60 days = 5,184,000 seconds.</summary>
    public static readonly TimeSpan SixtyDaysSpan = TimeSpan.FromSeconds(5_184_000);

    /// <summary>The length of a short-lived user token. Meta's are "about an hour or two"; the emulator uses 2 hours.</summary>
    public static readonly TimeSpan ShortSpan = TimeSpan.FromHours(2);

    private TokenLifetime(TimeSpan? duration, bool isShort)
    {
        Duration = duration;
        IsShort = isShort;
    }

    /// <summary>A short-lived user token (2 hours, no <c>issued_at</c> in <c>debug_token</c>).</summary>
    public static TokenLifetime Short { get; } = new(ShortSpan, isShort: true);

    /// <summary>A 60-day token.</summary>
    public static TokenLifetime SixtyDays { get; } = new(SixtyDaysSpan, isShort: false);

    /// <summary>A token that never expires (<c>expires_at: 0</c>).</summary>
    public static TokenLifetime Never { get; } = new(null, isShort: false);

    /// <summary>The lifetime, or null for a token that never expires.</summary>
    public TimeSpan? Duration { get; }

    /// <summary>True for a short-lived login token.</summary>
    public bool IsShort { get; }

    /// <summary>A lifetime of exactly <paramref name="seconds"/> seconds (must be positive).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="seconds"/> is not positive.</exception>
    public static TokenLifetime FromSeconds(long seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        return new(TimeSpan.FromSeconds(seconds), isShort: false);
    }

    /// <summary>Parses <c>short</c>, <c>60d</c>, <c>never</c> or a number of seconds.</summary>
    /// <exception cref="FormatException">When the text is none of those.</exception>
    public static TokenLifetime Parse(string text) =>
        TryParse(text, out var lifetime) ? lifetime : throw new FormatException($"Unknown token lifetime '{text}': use short, 60d, never or a number of seconds.");

    /// <summary>Parses <c>short</c>, <c>60d</c>, <c>never</c> or a number of seconds.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TokenLifetime lifetime)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "short":
                lifetime = Short;
                return true;
            case "60d":
                lifetime = SixtyDays;
                return true;
            case "never":
                lifetime = Never;
                return true;
            case { } s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                lifetime = FromSeconds(seconds);
                return true;
            default:
                lifetime = default;
                return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => IsShort ? "short"
        : Duration is null ? "never"
        : Duration == SixtyDaysSpan ? "60d"
        : ((long)Duration.Value.TotalSeconds).ToString(CultureInfo.InvariantCulture);
}
