using Evertoken.Tokens;

namespace Evertoken.Storage;

/// <summary>The data of one token version: its value (encrypted at rest) and what is known about it.</summary>
public sealed record TokenVersionData
{
    /// <summary>The token value. Never logged; <see cref="ToString"/> shows the fingerprint.</summary>
    public required string Value { get; init; }

    /// <summary>The kind, when known.</summary>
    public TokenKind Kind { get; init; }

    /// <summary>When Meta issued it, when known.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When it expires; null for never (or unknown when <see cref="Kind"/> is <see cref="TokenKind.Unknown"/>).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>What created this version: <c>added</c>, <c>imported</c>, <c>exchanged</c>, <c>refreshed</c>, <c>generated</c>.</summary>
    public string Source { get; init; } = "added";

    /// <summary>The fingerprint of the value.</summary>
    public string Fingerprint => TokenFingerprint.Of(Value);

    /// <inheritdoc />
    public override string ToString() => $"TokenVersionData {{ {Kind}, {Fingerprint}, expires {ExpiresAt?.ToString("u") ?? "never"}, {Source} }}";
}
