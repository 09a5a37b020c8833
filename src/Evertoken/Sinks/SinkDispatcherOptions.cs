namespace Evertoken.Sinks;

/// <summary>Retry settings of the <see cref="SinkDispatcher"/>.</summary>
public sealed class SinkDispatcherOptions
{
    /// <summary>Attempts per sink and push, the first included. Default 5.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the second attempt. Default 2 seconds.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The factor each wait grows by. Default 2 (2 s, 4 s, 8 s, …).</summary>
    public double BackoffFactor { get; set; } = 2;

    /// <summary>The longest wait between attempts. Default 5 minutes.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The share of each wait that is random, between 0 and 1: a wait <c>d</c> becomes a value in
    /// <c>[d × (1 − Jitter), d]</c>, so sinks pushed at once do not retry in lockstep. Default 0.2; 0 for exact waits.
    /// </summary>
    public double Jitter { get; set; } = 0.2;
}
