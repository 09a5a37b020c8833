namespace Evertoken.Sinks;

/// <summary>The outcome of one push to a sink. <see cref="Error"/> is in words and never holds a secret.</summary>
public sealed record SinkResult(bool Success, string? Error = null, bool Retryable = true)
{
    /// <summary>A success.</summary>
    public static SinkResult Ok { get; } = new(true);

    /// <summary>A failure worth retrying (network, 5xx, 429).</summary>
    public static SinkResult Transient(string error) => new(false, error, true);

    /// <summary>A failure that retrying will not fix (bad credentials, 4xx, bad path).</summary>
    public static SinkResult Permanent(string error) => new(false, error, false);
}
