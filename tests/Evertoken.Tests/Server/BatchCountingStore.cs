using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Tests.Server;

/// <summary>A store that counts batch appends and can fail the next few, around a real store.</summary>
internal sealed class BatchCountingStore(ITokenStore inner) : ITokenStore
{
    private int _batches;

    public int Batches => Volatile.Read(ref _batches);

    /// <summary>How many batch appends still throw.</summary>
    public int FailNext { get; set; }

    public Task AppendAuditAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _batches);
        if (FailNext > 0)
        {
            FailNext--;
            throw new IOException("disk full");
        }

        return inner.AppendAuditAsync(entries, cancellationToken);
    }

    public Task InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public Task UpsertAppAsync(StoredApp app, CancellationToken cancellationToken = default) => inner.UpsertAppAsync(app, cancellationToken);

    public Task<StoredApp?> GetAppAsync(string appId, CancellationToken cancellationToken = default) => inner.GetAppAsync(appId, cancellationToken);

    public Task<IReadOnlyList<StoredApp>> ListAppsAsync(CancellationToken cancellationToken = default) => inner.ListAppsAsync(cancellationToken);

    public Task<ManagedToken> AddTokenAsync(NewManagedToken token, CancellationToken cancellationToken = default) => inner.AddTokenAsync(token, cancellationToken);

    public Task<ManagedToken?> GetTokenAsync(string name, CancellationToken cancellationToken = default) => inner.GetTokenAsync(name, cancellationToken);

    public Task<IReadOnlyList<ManagedToken>> ListTokensAsync(CancellationToken cancellationToken = default) => inner.ListTokensAsync(cancellationToken);

    public Task<ManagedToken?> AddVersionAsync(string name, long expectedCurrentVersion, TokenVersionData version, CancellationToken cancellationToken = default) =>
        inner.AddVersionAsync(name, expectedCurrentVersion, version, cancellationToken);

    public Task<IReadOnlyList<TokenVersion>> GetHistoryAsync(string name, CancellationToken cancellationToken = default) => inner.GetHistoryAsync(name, cancellationToken);

    public Task UpdateHealthAsync(string name, TokenHealth health, CancellationToken cancellationToken = default) => inner.UpdateHealthAsync(name, health, cancellationToken);

    public Task UpdateVersionFactsAsync(string name, long version, TokenKind kind, DateTimeOffset? issuedAt, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default) =>
        inner.UpdateVersionFactsAsync(name, version, kind, issuedAt, expiresAt, cancellationToken);

    public Task MarkRevokedAsync(string name, long version, DateTimeOffset revokedAt, CancellationToken cancellationToken = default) =>
        inner.MarkRevokedAsync(name, version, revokedAt, cancellationToken);

    public Task<bool> RemoveTokenAsync(string name, CancellationToken cancellationToken = default) => inner.RemoveTokenAsync(name, cancellationToken);

    public Task AppendAuditAsync(AuditEntry entry, CancellationToken cancellationToken = default) => inner.AppendAuditAsync(entry, cancellationToken);

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, string? tokenName = null, CancellationToken cancellationToken = default) =>
        inner.ListAuditAsync(limit, tokenName, cancellationToken);

    public Task<int> ReencryptAllAsync(CancellationToken cancellationToken = default) => inner.ReencryptAllAsync(cancellationToken);
}
