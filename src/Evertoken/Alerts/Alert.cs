namespace Evertoken.Alerts;

/// <summary>One alert. <see cref="Message"/> is plain words with fingerprints only, never a token value.</summary>
public sealed record Alert
{
    /// <summary>What it is about.</summary>
    public required AlertKind Kind { get; init; }

    /// <summary>The managed token concerned.</summary>
    public required string TokenName { get; init; }

    /// <summary>The message in plain words.</summary>
    public required string Message { get; init; }

    /// <summary>Whose problem it is.</summary>
    public AlertCause Cause { get; init; }

    /// <summary>The sink concerned, for <see cref="AlertKind.SinkFailed"/> (and its recovery).</summary>
    public string? Sink { get; init; }

    /// <summary>When it was raised.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>True for a scheduled reminder of a state that has not changed.</summary>
    public bool IsReminder { get; init; }
}
