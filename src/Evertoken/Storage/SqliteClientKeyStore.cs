using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Evertoken.Storage;

/// <summary>Client keys in the same SQLite file as the tokens (their own table). Only hashes are stored.</summary>
public sealed class SqliteClientKeyStore(string databasePath) : IClientKeyStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true, DefaultTimeout = 10 }.ToString();

    /// <inheritdoc />
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS client_keys (
                id          TEXT   PRIMARY KEY,
                name        TEXT   NOT NULL,
                scopes      TEXT   NOT NULL,
                tokens      TEXT   NOT NULL,
                secret_hash TEXT   NOT NULL,
                created_at  BIGINT NOT NULL,
                revoked_at  BIGINT NULL
            );
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddAsync(ClientKey key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO client_keys (id, name, scopes, tokens, secret_hash, created_at) VALUES (@id, @name, @scopes, @tokens, @hash, @at)";
        command.Parameters.AddWithValue("@id", key.Id);
        command.Parameters.AddWithValue("@name", key.Name);
        command.Parameters.AddWithValue("@scopes", string.Join(',', key.Scopes));
        command.Parameters.AddWithValue("@tokens", string.Join(',', key.Tokens));
        command.Parameters.AddWithValue("@hash", key.SecretHash);
        command.Parameters.AddWithValue("@at", key.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ClientKey?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var keys = await QueryAsync("SELECT * FROM client_keys WHERE id = @id", id, cancellationToken).ConfigureAwait(false);
        return keys.Count == 0 ? null : keys[0];
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT * FROM client_keys ORDER BY created_at DESC, id", null, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE client_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL";
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private async Task<IReadOnlyList<ClientKey>> QueryAsync(string sql, string? id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (id is not null)
        {
            command.Parameters.AddWithValue("@id", id);
        }

        var result = new List<ClientKey>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new ClientKey
            {
                Id = reader.GetString(reader.GetOrdinal("id")),
                Name = reader.GetString(reader.GetOrdinal("name")),
                Scopes = Split(reader.GetString(reader.GetOrdinal("scopes"))),
                Tokens = Split(reader.GetString(reader.GetOrdinal("tokens"))),
                SecretHash = reader.GetString(reader.GetOrdinal("secret_hash")),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("created_at"))),
                RevokedAt = reader.IsDBNull(reader.GetOrdinal("revoked_at")) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(reader.GetOrdinal("revoked_at"))),
            });
        }

        return result;
    }

    private static string[] Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"SqliteClientKeyStore {{ {_connectionString} }}");
}
