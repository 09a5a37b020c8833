namespace Evertoken.Server.Cli;

/// <summary>
/// The CLI's documented, stable exit codes (README, "Exit codes"). Scripts and CI rely on them.
/// </summary>
public static class ExitCodes
{
    /// <summary>Healthy / done.</summary>
    public const int Ok = 0;

    /// <summary>Usage or configuration error, or the Graph API could not be reached, so nothing could be checked.</summary>
    public const int UsageError = 1;

    /// <summary>The token is invalid or expired.</summary>
    public const int TokenUnusable = 2;

    /// <summary>The token works but needs attention (expires soon, missing permission, not a system-user token...).</summary>
    public const int NeedsAttention = 3;
}
