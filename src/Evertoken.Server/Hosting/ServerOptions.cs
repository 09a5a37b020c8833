namespace Evertoken.Server.Hosting;

/// <summary>Settings of <c>evertoken serve</c> (configuration section <c>Server</c>, env <c>EVERTOKEN__SERVER__*</c>).</summary>
public sealed class ServerOptions
{
    /// <summary>The admin API key (<c>Authorization: Bearer</c>). When unset, one is generated at first start, printed
    /// once and kept hashed in the data folder.</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>The dashboard admin password. When unset, one is generated at first start, printed once and kept hashed.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>Run the refresh worker. Default true.</summary>
    public bool RunRefreshWorker { get; set; } = true;

    /// <summary>Where the Graph proxy forwards to; default: the Graph base URL of the token settings.</summary>
    public Uri? ProxyUpstream { get; set; }
}
