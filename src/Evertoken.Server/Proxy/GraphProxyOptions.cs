namespace Evertoken.Server.Proxy;

/// <summary>
/// Settings of the Graph API proxy (configuration section <c>Server:Proxy</c>). Where it forwards to is
/// <c>Server:ProxyUpstream</c>, else <c>Graph:BaseUrl</c>.
/// </summary>
public sealed class GraphProxyOptions
{
    /// <summary>
    /// Request bodies up to this size are buffered so a call Meta rejects with code 190 can be sent again with the
    /// refreshed token; bigger bodies, and bodies of unknown length (chunked), are streamed and not retried.
    /// Default 1 MiB.
    /// </summary>
    public int MaxReplayBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// A 400/401 answer up to this size is read whole to see whether it is a code 190 token error. Graph errors are a
    /// few hundred bytes; anything bigger is passed through untouched. Default 64 KiB.
    /// </summary>
    public int MaxInspectedErrorBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// After a refresh that a 190 asked for fails (the token is dead at Meta), further 190s for the same token version
    /// are passed to the app without asking Meta again for this long. Default 30 seconds.
    /// </summary>
    public TimeSpan FailedRefreshCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the proxy waits for upstream activity (response headers, or body bytes) before giving up with a 504.
    /// Default: <c>Graph:Timeout</c> (30 seconds).
    /// </summary>
    public TimeSpan? ActivityTimeout { get; set; }
}
