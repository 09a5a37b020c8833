namespace Evertoken.Storage;

/// <summary>One stored version of a managed token.</summary>
public sealed record TokenVersion
{
    /// <summary>1 for the first value, growing at each rotation.</summary>
    public required long Number { get; init; }

    /// <summary>The value and facts.</summary>
    public required TokenVersionData Data { get; init; }

    /// <summary>When this version was stored.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When this version was revoked at Meta, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"TokenVersion {{ #{Number}, {Data}, created {CreatedAt:u} }}";
}
