namespace Evertoken.Tokens;

/// <summary>The overall verdict of a diagnosis; maps to the CLI's documented exit codes.</summary>
public enum DiagnosisVerdict
{
    /// <summary>Every check passed (exit code 0).</summary>
    Healthy = 0,

    /// <summary>Could not check: the Graph API could not be reached or the input was wrong (exit code 1).</summary>
    CouldNotCheck = 1,

    /// <summary>The token is invalid or expired (exit code 2).</summary>
    TokenUnusable = 2,

    /// <summary>The token works but something needs attention (exit code 3).</summary>
    NeedsAttention = 3,
}
