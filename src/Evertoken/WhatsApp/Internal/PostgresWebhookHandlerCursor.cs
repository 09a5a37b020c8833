using System.Globalization;
using Evertoken.Storage.Internal;
using Npgsql;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The handler cursor of instances sharing a <see cref="PostgresWebhookInbox"/>: one row of
/// <c>webhook_handler_cursors</c>, and a session-scoped advisory lock that only the instance handing events out holds,
/// on a connection of its own. When that instance stops or dies its session ends, PostgreSQL releases the lock, and
/// the next instance to try takes over from the saved cursor (events handled after the last save are handed again:
/// at least once, as on a restart). The lock connection shows as <c>evertoken webhook handlers (pid N on host)</c>
/// in <c>pg_stat_activity</c>.
/// </summary>
internal sealed class PostgresWebhookHandlerCursor : IWebhookHandlerCursor
{
    private const string Name = "handlers";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _upgradeFile;
    private readonly TimeProvider _time;
    private readonly long _key;
    private NpgsqlConnection? _lead;

    /// <param name="dataSource">The inbox's database.</param>
    /// <param name="upgradeFile">The single-instance cursor file: read once when the table has no row yet, so an
    /// instance that used it before does not hand every stored event again.</param>
    /// <param name="time">The clock of <c>updated_at</c>.</param>
    public PostgresWebhookHandlerCursor(NpgsqlDataSource dataSource, string upgradeFile, TimeProvider time)
    {
        _dataSource = dataSource;
        _upgradeFile = upgradeFile;
        _time = time;
        var schema = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).SearchPath ?? "";
        _key = PostgresSchema.LockKey($"evertoken.webhook-handlers:{schema}");
    }

    /// <summary>What the lock connection calls itself in <c>pg_stat_activity.application_name</c>.</summary>
    public static string ApplicationName { get; } =
        string.Create(CultureInfo.InvariantCulture, $"evertoken webhook handlers (pid {Environment.ProcessId} on {Environment.MachineName})");

    public async Task<bool> TryLeadAsync(CancellationToken cancellationToken)
    {
        if (_lead is not null)
        {
            return true;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand("SELECT set_config('application_name', @name, false), pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("name", ApplicationName);
            command.Parameters.AddWithValue("key", _key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (reader.GetBoolean(1))
            {
                _lead = connection;
                return true;
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    public async Task<long?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT event_id FROM webhook_handler_cursors WHERE name = @name", Lead);
        command.Parameters.AddWithValue("name", Name);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long id
            ? id
            : FileWebhookHandlerCursor.Read(_upgradeFile);
    }

    public async Task WriteAsync(long eventId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO webhook_handler_cursors (name, event_id, updated_at) VALUES (@name, @id, @at)
            ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at
            """, Lead);
        command.Parameters.AddWithValue("name", Name);
        command.Parameters.AddWithValue("id", eventId);
        command.Parameters.AddWithValue("at", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync()
    {
        if (Interlocked.Exchange(ref _lead, null) is not { } connection)
        {
            return;
        }

        try
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            release.Parameters.AddWithValue("key", _key);
            await release.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection broke: its session, and the lock with it, is gone already. Npgsql does not pool a broken
            // connection, so the lock cannot ride along to another caller.
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ReleaseAsync();

    private NpgsqlConnection Lead => _lead ?? throw new InvalidOperationException("This instance does not hand the webhook events out.");
}
