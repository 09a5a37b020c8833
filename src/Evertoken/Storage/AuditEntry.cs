namespace Evertoken.Storage;

/// <summary>One line of the audit log: every rotation, read, key change and login. Never a token value.</summary>
public sealed record AuditEntry
{
    /// <summary>The database id (0 before it is stored).</summary>
    public long Id { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>What happened, e.g. <c>token.rotated</c>, <c>token.read</c>, <c>key.created</c>, <c>login.failed</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Who did it: <c>admin</c>, <c>worker</c>, <c>cli</c>, or a client key's id.</summary>
    public required string Actor { get; init; }

    /// <summary>The token concerned, if any.</summary>
    public string? TokenName { get; init; }

    /// <summary>Details in words (fingerprints, versions), never a secret.</summary>
    public string? Detail { get; init; }
}
