using Evertoken.Graph;

namespace Evertoken.Tokens;

/// <summary>
/// The token to use right now for a name, as handed out by <see cref="ITokenKeeper"/>: the value, its version and
/// expiry, and what is needed to sign Graph calls (<c>appsecret_proof</c>). <see cref="ToString"/> never shows the value.
/// </summary>
public sealed class CurrentToken
{
    private readonly string? _appSecret;

    /// <summary>Creates a current token.</summary>
    public CurrentToken(string name, string value, long version, TokenKind kind, DateTimeOffset? expiresAt, string? appId, string? appSecret)
    {
        Name = name;
        Value = value;
        Version = version;
        Kind = kind;
        ExpiresAt = expiresAt;
        AppId = appId;
        _appSecret = appSecret;
        Proof = appSecret is { Length: > 0 } ? AppSecretProof.Compute(appSecret, value) : null;
    }

    /// <summary>The managed token's name.</summary>
    public string Name { get; }

    /// <summary>The token value. Send it only to Meta.</summary>
    public string Value { get; }

    /// <summary>The version number (grows at each rotation).</summary>
    public long Version { get; }

    /// <summary>The kind.</summary>
    public TokenKind Kind { get; }

    /// <summary>When it expires; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The app the token belongs to, when known.</summary>
    public string? AppId { get; }

    /// <summary>The classic <c>appsecret_proof</c> for this value, or null when the app secret is not known.
    /// Computed once: the proof depends only on the secret and the token.</summary>
    public string? Proof { get; }

    /// <summary>True when the app secret is known, so calls can carry a proof.</summary>
    public bool HasAppSecret => _appSecret is not null;

    /// <summary>The time-stamped proof (<c>appsecret_time</c> form) for a moment, or null without an app secret.</summary>
    public string? ProofAt(long unixTime) => _appSecret is { Length: > 0 } s ? AppSecretProof.Compute(s, Value, unixTime) : null;

    /// <summary>The fingerprint of the value.</summary>
    public string Fingerprint => TokenFingerprint.Of(Value);

    /// <inheritdoc />
    public override string ToString() => $"CurrentToken {{ {Name} v{Version}, {Kind}, {Fingerprint} }}";
}
