namespace Evertoken.Storage;

/// <summary>Client keys: stored hashed, never in clear.</summary>
public interface IClientKeyStore
{
    /// <summary>Creates the table if needed; idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new key.</summary>
    Task AddAsync(ClientKey key, CancellationToken cancellationToken = default);

    /// <summary>One key by id, or null.</summary>
    Task<ClientKey?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>All keys, newest first.</summary>
    Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key; false when unknown or already revoked.</summary>
    Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);
}
