using Evertoken.Tokens;

namespace Evertoken.Storage;

/// <summary>
/// Durable, encrypted storage of apps and managed tokens with their version history and the audit log.
/// Implementations encrypt every secret (token values, app secrets) before it reaches the database.
/// Misuse (unknown name, duplicate name) throws; <see cref="AddVersionAsync"/> reports a lost race as a value.
/// </summary>
public interface ITokenStore
{
    /// <summary>Creates or migrates the schema; idempotent and safe when several processes start at once.
    /// Throws <see cref="MasterKeyException"/> when the master key does not open this store.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces an app (the secret is encrypted).</summary>
    Task UpsertAppAsync(StoredApp app, CancellationToken cancellationToken = default);

    /// <summary>One app by id, with its secret decrypted, or null.</summary>
    Task<StoredApp?> GetAppAsync(string appId, CancellationToken cancellationToken = default);

    /// <summary>All apps.</summary>
    Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a new managed token as version 1. Throws <see cref="InvalidOperationException"/> when the name exists.</summary>
    Task<ManagedToken> AddTokenAsync(NewManagedToken token, CancellationToken cancellationToken = default);

    /// <summary>One token with its current version (value decrypted), or null.</summary>
    Task<ManagedToken?> GetTokenAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>All tokens with their current versions.</summary>
    Task<IReadOnlyList<ManagedToken>> ListTokensAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new current version, but only if the current version is still <paramref name="expectedCurrentVersion"/>
    /// (optimistic concurrency: two refreshers never both win). Returns the token after the write, or null when
    /// another writer got there first. The previous version stays in the history.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    Task<ManagedToken?> AddVersionAsync(string name, long expectedCurrentVersion, TokenVersionData version, CancellationToken cancellationToken = default);

    /// <summary>Updates the health fields of a token (status, last check, last error, the last debug_token facts).</summary>
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    Task UpdateHealthAsync(string name, TokenHealth health, CancellationToken cancellationToken = default);

    /// <summary>Every version of a token, newest first (values decrypted).</summary>
    /// <exception cref="KeyNotFoundException">No token has that name.</exception>
    Task<IReadOnlyList<TokenVersion>> GetHistoryAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Records what Meta says about a version (kind, issue and expiry times), e.g. after the first check of a
    /// token added without them. The value does not change. Throws <see cref="KeyNotFoundException"/> for an unknown version.</summary>
    Task UpdateVersionFactsAsync(string name, long version, TokenKind kind, DateTimeOffset? issuedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Marks an old version as revoked at Meta.</summary>
    /// <exception cref="KeyNotFoundException">No token has that name, or it has no such version.</exception>
    Task MarkRevokedAsync(string name, long version, DateTimeOffset revokedAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes a token and its history. Returns false when it did not exist.</summary>
    Task<bool> RemoveTokenAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Appends to the audit log.</summary>
    Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends several entries to the audit log, in order. A store that can commits them in one transaction (all or
    /// none); the default appends them one by one.
    /// </summary>
    async Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            await AppendAuditAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The newest audit entries first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, string? tokenName = null, CancellationToken cancellationToken = default);

    /// <summary>Re-encrypts every secret under the protector's current primary key (after a master-key rotation).
    /// Returns the number of secrets rewritten.</summary>
    Task<int> ReencryptAllAsync(CancellationToken cancellationToken = default);
}
