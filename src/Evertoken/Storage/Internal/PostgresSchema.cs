using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Evertoken.Storage.Internal;

/// <summary>
/// Applies <see cref="PostgresMigrations"/> under a transaction-scoped advisory lock, so instances starting at once
/// migrate one after the other (the second finds nothing left to do), and names a database without its password.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock key that serialises migrations in one database.</summary>
    public static readonly long MigrationLockKey = LockKey("evertoken.migrations");

    /// <summary>Brings the schema to <see cref="PostgresMigrations.Latest"/> inside <paramref name="transaction"/>; the
    /// lock is released when it ends. Returns the version found before migrating.</summary>
    /// <exception cref="InvalidOperationException">The database was migrated by a newer Evertoken.</exception>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long now, string describe, CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var create = new NpgsqlCommand(PostgresMigrations.CreateSchemaVersionTable, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > PostgresMigrations.Latest)
        {
            throw new InvalidOperationException(
                $"The token store {describe} has schema version {current}, newer than this Evertoken knows ({PostgresMigrations.Latest}). Upgrade Evertoken.");
        }

        foreach (var migration in PostgresMigrations.All.Where(m => m.Version > current))
        {
            await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, description, applied_at) VALUES (@version, @description, @at)", connection, transaction);
            record.Parameters.AddWithValue("version", migration.Version);
            record.Parameters.AddWithValue("description", migration.Description);
            record.Parameters.AddWithValue("at", now);
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return current;
    }

    /// <summary>"PostgreSQL host:port/database" (plus the search path when set): enough to find it, never the password.</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var schema = string.IsNullOrEmpty(b.SearchPath) ? "" : $" (schema {b.SearchPath})";
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}{schema}";
    }

    /// <summary>A stable 64-bit advisory lock key for a text (the first 8 bytes of its SHA-256): every instance, in
    /// every process and version, computes the same key.</summary>
    public static long LockKey(string text) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
