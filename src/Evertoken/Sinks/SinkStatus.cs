namespace Evertoken.Sinks;

/// <summary>How one sink of one token is doing, for the API and the dashboard. Never holds a secret.</summary>
/// <param name="TokenName">The managed token.</param>
/// <param name="Sink">The sink's name (see <see cref="NamedSink.Name"/>).</param>
/// <param name="Description">The sink's <see cref="ITokenSink.Describe"/>.</param>
/// <param name="State">Ok or failing after the last push.</param>
/// <param name="Version">The version last pushed.</param>
/// <param name="Attempts">How many attempts the last push took.</param>
/// <param name="LastAttempt">When the last attempt was made.</param>
/// <param name="LastSuccess">When a push last succeeded (in any push), or null.</param>
/// <param name="LastError">The last push's error in words, or null when it succeeded.</param>
/// <param name="Retryable">False when the last error is one retrying will not fix (a setup problem).</param>
public sealed record SinkStatus(
    string TokenName,
    string Sink,
    string Description,
    SinkState State,
    long Version,
    int Attempts,
    DateTimeOffset? LastAttempt,
    DateTimeOffset? LastSuccess,
    string? LastError,
    bool Retryable);
