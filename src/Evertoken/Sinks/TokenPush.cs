using Evertoken.Tokens;

namespace Evertoken.Sinks;

/// <summary>A new token version to push to a sink. <see cref="ToString"/> never shows the value.</summary>
public sealed record TokenPush
{
    /// <summary>The managed token's name.</summary>
    public required string Name { get; init; }

    /// <summary>The version number.</summary>
    public required long Version { get; init; }

    /// <summary>The token value.</summary>
    public required string Value { get; init; }

    /// <summary>The kind.</summary>
    public TokenKind Kind { get; init; }

    /// <summary>When the value expires; null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The WhatsApp phone number id the token is used with, when known (some sinks write it too).</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The fingerprint of the value.</summary>
    public string Fingerprint => TokenFingerprint.Of(Value);

    /// <inheritdoc />
    public override string ToString() => $"TokenPush {{ {Name} v{Version}, {Fingerprint} }}";
}
