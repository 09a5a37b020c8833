using Evertoken.Storage.Internal;
using Npgsql;

namespace Evertoken.Storage;

/// <summary>
/// Client keys in the PostgreSQL database of <see cref="PostgresTokenStore"/> (table <c>client_keys</c>, created by
/// the same migrations), so a key made on one instance works on all of them. Only hashes are stored.
/// </summary>
/// <param name="dataSource">The database; the caller owns it.</param>
/// <param name="timeProvider">The clock for the migration record. Default: <see cref="TimeProvider.System"/>.</param>
public sealed class PostgresClientKeyStore(NpgsqlDataSource dataSource, TimeProvider? timeProvider = null) : IClientKeyStore
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    /// <remarks>Applies the store's migrations (under the same advisory lock as <see cref="PostgresTokenStore"/>).</remarks>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await PostgresSchema.MigrateAsync(connection, transaction, _time.GetUtcNow().ToUnixTimeMilliseconds(), PostgresSchema.Describe(_dataSource.ConnectionString), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <exception cref="PostgresException">A key with that id exists (unique violation).</exception>
    public async Task AddAsync(ClientKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO client_keys (id, name, scopes, tokens, secret_hash, created_at) VALUES (@id, @name, @scopes, @tokens, @hash, @at)");
        command.Parameters.AddWithValue("id", key.Id);
        command.Parameters.AddWithValue("name", key.Name);
        command.Parameters.AddWithValue("scopes", string.Join(',', key.Scopes));
        command.Parameters.AddWithValue("tokens", string.Join(',', key.Tokens));
        command.Parameters.AddWithValue("hash", key.SecretHash);
        command.Parameters.AddWithValue("at", key.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ClientKey?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var keys = await QueryAsync("SELECT * FROM client_keys WHERE id = @id", id, cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT * FROM client_keys ORDER BY created_at DESC, id", null, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand("UPDATE client_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    public override string ToString() => $"PostgresClientKeyStore {{ {PostgresSchema.Describe(_dataSource.ConnectionString)} }}";

    private async Task<IReadOnlyList<ClientKey>> QueryAsync(string sql, string? id, CancellationToken ct)
    {
        await using var command = _dataSource.CreateCommand(sql);
        if (id is not null)
        {
            command.Parameters.AddWithValue("id", id);
        }

        var result = new List<ClientKey>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new ClientKey
            {
                Id = reader.GetString("id"),
                Name = reader.GetString("name"),
                Scopes = Split(reader.GetString("scopes")),
                Tokens = Split(reader.GetString("tokens")),
                SecretHash = reader.GetString("secret_hash"),
                CreatedAt = StoreTime.FromDb(reader.GetInt64("created_at")),
                RevokedAt = StoreTime.FromDb(reader.GetNullableInt64("revoked_at")),
            });
        }

        return result;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
