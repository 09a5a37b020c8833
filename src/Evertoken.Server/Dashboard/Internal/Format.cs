using System.Globalization;
using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>How the pages write times, statuses and outcomes: always a word beside any colour.</summary>
internal static class Format
{
    /// <summary>A machine-readable UTC time for data attributes and <c>&lt;time datetime&gt;</c>.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A UTC time for people.</summary>
    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A UTC day, for axes.</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A UTC time for people, or a dash.</summary>
    public static string Date(DateTimeOffset? at) => at is { } a ? Date(a) : "—";

    /// <summary>
    /// The countdown to an expiry, to the second: <c>12d 3h 4m 5s left</c>, or <c>expired 2m 3s ago</c>.
    /// The page's script writes the same text every second (dashboard.js, <c>countdown()</c>).
    /// </summary>
    public static string Countdown(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        return left > TimeSpan.Zero ? $"{Span(left)} left" : $"expired {Span(-left)} ago";
    }

    /// <summary>How long ago, roughly: <c>just now</c>, <c>5 min ago</c>, <c>3 h ago</c>, <c>2 days ago</c>.</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span.TotalSeconds switch
        {
            < 0 => $"in {Span(-span)}",
            < 60 => "just now",
            < 3600 => $"{(int)span.TotalMinutes} min ago",
            < 86400 => $"{(int)span.TotalHours} h ago",
            _ => $"{(int)span.TotalDays} days ago",
        };
    }

    /// <summary>The status in words.</summary>
    public static string StatusWord(TokenStatus status) => status switch
    {
        TokenStatus.Healthy => "Healthy",
        TokenStatus.ExpiringSoon => "Expiring soon",
        TokenStatus.Expired => "Expired",
        TokenStatus.Invalid => "Invalid",
        _ => "Unchecked",
    };

    /// <summary>The CSS tone of a status: <c>ok</c>, <c>warn</c>, <c>bad</c> or <c>idle</c>.</summary>
    public static string StatusTone(TokenStatus status) => status switch
    {
        TokenStatus.Healthy => "ok",
        TokenStatus.ExpiringSoon => "warn",
        TokenStatus.Expired or TokenStatus.Invalid => "bad",
        _ => "idle",
    };

    /// <summary>A symbol that carries the status without colour.</summary>
    public static string StatusSymbol(TokenStatus status) => status switch
    {
        TokenStatus.Healthy => "✓",
        TokenStatus.ExpiringSoon => "!",
        TokenStatus.Expired or TokenStatus.Invalid => "✕",
        _ => "?",
    };

    /// <summary>The doctor's outcome word: PASS, WARN, FAIL, SKIP.</summary>
    public static string OutcomeWord(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "PASS",
        CheckOutcome.Warn => "WARN",
        CheckOutcome.Fail => "FAIL",
        _ => "SKIP",
    };

    /// <summary>The CSS tone of a doctor's outcome.</summary>
    public static string OutcomeTone(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "ok",
        CheckOutcome.Warn => "warn",
        CheckOutcome.Fail => "bad",
        _ => "idle",
    };

    /// <summary>The CSS tone of a sink state word (<c>Ok</c>, <c>Failing</c>, <c>Unknown</c>, <c>Idle</c>).</summary>
    public static string SinkTone(string state) => state switch
    {
        "Ok" => "ok",
        "Failing" => "bad",
        _ => "idle",
    };

    /// <summary>The verdict in words.</summary>
    public static string Verdict(DiagnosisVerdict verdict) => verdict switch
    {
        DiagnosisVerdict.Healthy => "Healthy: every check passed",
        DiagnosisVerdict.NeedsAttention => "Works, but needs attention",
        DiagnosisVerdict.TokenUnusable => "Unusable: the token is invalid or expired",
        _ => "Could not check: Graph did not answer",
    };

    /// <summary>The CSS tone of a verdict.</summary>
    public static string VerdictTone(DiagnosisVerdict verdict) => verdict switch
    {
        DiagnosisVerdict.Healthy => "ok",
        DiagnosisVerdict.NeedsAttention => "warn",
        DiagnosisVerdict.TokenUnusable => "bad",
        _ => "idle",
    };

    private static string Span(TimeSpan span)
    {
        var total = (long)Math.Floor(span.TotalSeconds);
        long d = total / 86400, h = total % 86400 / 3600, m = total % 3600 / 60, s = total % 60;
        return d > 0 ? $"{d}d {h}h {m}m {s}s" : h > 0 ? $"{h}h {m}m {s}s" : m > 0 ? $"{m}m {s}s" : $"{s}s";
    }
}
