using Evertoken.Graph;

namespace Evertoken.Tokens;

/// <summary>
/// What Meta's <c>debug_token</c> says about a token. Times are UTC; <see cref="ExpiresAt"/> is null when the token
/// never expires (<c>expires_at: 0</c>) or has no expiry at all (app tokens).
/// </summary>
public sealed record TokenInfo
{
    /// <summary><c>is_valid</c>.</summary>
    public bool IsValid { get; init; }

    /// <summary><c>type</c>.</summary>
    public TokenKind Kind { get; init; }

    /// <summary><c>app_id</c>.</summary>
    public string? AppId { get; init; }

    /// <summary><c>application</c>: the app's display name.</summary>
    public string? Application { get; init; }

    /// <summary><c>user_id</c>: the app-scoped user id, or the system user's id.</summary>
    public string? UserId { get; init; }

    /// <summary><c>profile_id</c>: the Page id for Page tokens.</summary>
    public string? ProfileId { get; init; }

    /// <summary><c>issued_at</c>; absent for short-lived user tokens.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary><c>expires_at</c>; null when it never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary><c>data_access_expires_at</c>; null when 0 or absent (system-user and app tokens).</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; init; }

    /// <summary><c>scopes</c>.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary><c>granular_scopes</c>.</summary>
    public IReadOnlyList<GranularScope> GranularScopes { get; init; } = [];

    /// <summary><c>data.error</c> for an invalid token (note: Meta names the subcode <c>subcode</c> here).</summary>
    public GraphError? Error { get; init; }

    /// <summary>True when the token has no expiry (never-expiring system-user or Page tokens, app tokens).</summary>
    public bool NeverExpires => IsValid && ExpiresAt is null;

    /// <summary>True when the scope was granted.</summary>
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>
    /// The object ids a scope is limited to, or null when the scope is granted without target limits
    /// (or not listed in <c>granular_scopes</c>).
    /// </summary>
    public IReadOnlyList<string>? TargetsOf(string scope)
    {
        var granular = GranularScopes.FirstOrDefault(g => g.Scope == scope);
        return granular is null || granular.TargetIds.Count == 0 ? null : granular.TargetIds;
    }

    /// <summary>Time left before expiry at <paramref name="now"/>; null when it never expires.</summary>
    public TimeSpan? TimeLeft(DateTimeOffset now) => ExpiresAt is { } e ? e - now : null;
}
