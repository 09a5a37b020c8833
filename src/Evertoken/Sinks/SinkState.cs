namespace Evertoken.Sinks;

/// <summary>Whether a sink took the last version pushed to it.</summary>
public enum SinkState
{
    /// <summary>Nothing pushed yet.</summary>
    Unknown,

    /// <summary>The last push succeeded.</summary>
    Ok,

    /// <summary>The last push failed after its retries (see <see cref="SinkStatus.LastError"/>).</summary>
    Failing,
}
