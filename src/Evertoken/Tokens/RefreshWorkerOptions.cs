namespace Evertoken.Tokens;

/// <summary>How often the refresh worker looks at the tokens.</summary>
public sealed class RefreshWorkerOptions
{
    /// <summary>Time between passes. Default 30 seconds (a pass only calls Meta for tokens that are due).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Tokens handled at once in a pass, so one slow customer never holds up the others. Default 4.</summary>
    public int Concurrency { get; set; } = 4;
}
