namespace Evertoken.Server.Api;

/// <summary>Body of <c>POST /v1/tokens</c>. The value is accepted once and never returned.</summary>
public sealed record AddTokenRequest(string Name, string Token, string? AppId = null, string? AppSecret = null, string? PhoneNumberId = null, string? WabaId = null, bool Check = true)
{
    /// <inheritdoc />
    public override string ToString() => $"AddTokenRequest {{ {Name}, app {AppId} }}";
}

/// <summary>Body of <c>POST /v1/tokens/import</c>: the text of a <c>.env</c> file.</summary>
public sealed record ImportTokenRequest(string Name, string DotEnv, bool Check = true)
{
    /// <inheritdoc />
    public override string ToString() => $"ImportTokenRequest {{ {Name} }}";
}

/// <summary>Body of <c>POST /v1/client-keys</c>.</summary>
public sealed record CreateClientKeyRequest(string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Tokens);

/// <summary>Answer of <c>POST /v1/client-keys</c>: the key is shown this once.</summary>
public sealed record CreatedClientKey(string Id, string Name, string Key, IReadOnlyList<string> Scopes, IReadOnlyList<string> Tokens, DateTimeOffset CreatedAt);

/// <summary>A client key as listed: never the key.</summary>
public sealed record ClientKeyView(string Id, string Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Tokens, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The outcome of a rotation through the API.</summary>
public sealed record RotationView(string Name, bool Rotated, long Version, string Fingerprint, DateTimeOffset? ExpiresAt, string? Error, string? Skipped);

/// <summary>A token with its sinks' states.</summary>
public sealed record TokenView(TokenSummary Token, IReadOnlyList<SinkView> Sinks);

/// <summary>A sink's state.</summary>
public sealed record SinkView(string Name, string Describe, string State, DateTimeOffset? LastSuccessAt, DateTimeOffset? LastAttemptAt, string? LastError);

/// <summary>The answer of <c>GET /v1/tokens/{name}/value</c> (read-token keys only, audited).</summary>
public sealed record TokenValueView(string Name, long Version, string Value, DateTimeOffset? ExpiresAt, string? AppSecretProof);
