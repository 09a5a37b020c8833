using Evertoken.Tokens;

namespace Evertoken.Storage;

/// <summary>The health fields of a managed token, written after each check.</summary>
public sealed record TokenHealth
{
    /// <summary>The status.</summary>
    public TokenStatus Status { get; init; }

    /// <summary>When Meta was last asked about the token.</summary>
    public DateTimeOffset? LastCheckedAt { get; init; }

    /// <summary>The last problem in words (never containing a token value), or null.</summary>
    public string? LastError { get; init; }

    /// <summary>What debug_token said at the last check (scopes, targets, data-access expiry).</summary>
    public TokenInfo? Info { get; init; }
}
