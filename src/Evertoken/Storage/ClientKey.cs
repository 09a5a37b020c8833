namespace Evertoken.Storage;

/// <summary>
/// What an app presents to the proxy and the API instead of a Meta token. Shown once at creation
/// (<c>etk_{id}_{secret}</c>), stored as a SHA-256 hash of the secret part, scoped to rights and to tokens.
/// </summary>
public sealed record ClientKey
{
    /// <summary>The public id (the part between <c>etk_</c> and the secret).</summary>
    public required string Id { get; init; }

    /// <summary>A label, e.g. <c>matchmaker-prod</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Rights: <c>proxy</c>, <c>send</c>, <c>read-token</c>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    /// <summary>The token names the key may use; <c>*</c> for all.</summary>
    public required IReadOnlyList<string> Tokens { get; init; }

    /// <summary>Lowercase hex SHA-256 of the secret part. The secret is 256 random bits, so a fast hash is enough.</summary>
    public required string SecretHash { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>True when the key grants a right.</summary>
    public bool HasScope(string scope) => RevokedAt is null && Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>True when the key may use a token.</summary>
    public bool AllowsToken(string tokenName) => RevokedAt is null && (Tokens.Contains("*") || Tokens.Contains(tokenName, StringComparer.Ordinal));

    /// <summary>The rights a key can have.</summary>
    public static readonly IReadOnlyList<string> KnownScopes = ["proxy", "send", "read-token"];
}
