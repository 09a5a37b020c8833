using System.Globalization;
using Evertoken.Storage.Internal;
using Npgsql;

namespace Evertoken.Tokens;

/// <summary>
/// The <see cref="IRefreshLock"/> for several instances on one PostgreSQL database: a session-scoped advisory lock
/// (<c>pg_advisory_lock</c>) per token, held on a dedicated connection for as long as the refresh runs. When the
/// holder dies (crash, <c>kill -9</c>, lost network) its session ends and PostgreSQL releases the lock, so the next
/// instance waiting carries on; <see cref="TokenKeeper.RefreshAsync"/> re-reads the store once it holds the lock and
/// skips the Graph call when another instance already rotated.
/// </summary>
/// <remarks>
/// The key is the first 8 bytes of SHA-256 over <c>evertoken.refresh:{search path}:{token name}</c>, so deployments
/// in different schemas of one database do not block each other. The lock connection shows as
/// <c>evertoken refresh lock (pid N on host)</c> in <c>pg_stat_activity</c>: the way to see who holds it.
/// If the database drops the lock connection during a refresh, another instance may start a refresh too; the
/// compare-and-swap in <c>AddVersionAsync</c> still keeps one new version.
/// </remarks>
/// <param name="dataSource">The token store's database; the caller owns it.</param>
public sealed class PostgresRefreshLock(NpgsqlDataSource dataSource) : IRefreshLock
{
    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
    private readonly string _namespace = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).SearchPath ?? "";

    /// <summary>What the lock connections call themselves in <c>pg_stat_activity.application_name</c>.</summary>
    public static string ApplicationName { get; } =
        string.Create(CultureInfo.InvariantCulture, $"evertoken refresh lock (pid {Environment.ProcessId} on {Environment.MachineName})");

    /// <summary>The advisory lock key of a token in this database and schema.</summary>
    public long KeyOf(string tokenName) => PostgresSchema.LockKey($"evertoken.refresh:{_namespace}:{tokenName}");

    /// <inheritdoc />
    /// <remarks>Waits as long as another instance holds the lock (a refresh is one or two Graph calls, bounded by
    /// the Graph timeout), with no command timeout; cancelling the token cancels the wait. Dispose the handle to release the lock and the connection.</remarks>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public async ValueTask<IAsyncDisposable> AcquireAsync(string tokenName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        var key = KeyOf(tokenName);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // application_name first, so a waiting instance is visible too; the pool resets it when the connection returns.
            await using (var name = new NpgsqlCommand("SELECT set_config('application_name', @name, false)", connection))
            {
                name.Parameters.AddWithValue("name", ApplicationName);
                await name.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // No command timeout (Npgsql's default is 30 s): the holder may legitimately take longer (Graph retries,
            // timeouts), and it releases the lock when it finishes or dies; the caller's token still cancels the wait.
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection) { CommandTimeout = 0 })
            {
                take.Parameters.AddWithValue("key", key);
                await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new Handle(connection, key);
        }
        catch
        {
            // A cancelled wait leaves no lock behind: the server cancelled the statement before granting it.
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"PostgresRefreshLock {{ {PostgresSchema.Describe(_dataSource.ConnectionString)} }}";

    private sealed class Handle(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            try
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
                release.Parameters.AddWithValue("key", key);
                await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                // The connection broke: the session is gone and the server released the lock with it. Npgsql does not
                // return a broken connection to the pool, so no lock can ride along to another caller.
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
