using Evertoken.Hosting;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Evertoken.Storage.Internal;

/// <summary>
/// Keeps every instance's <see cref="ITokenKeeper"/> cache in step with the shared PostgreSQL store: LISTENs on
/// <c>evertoken_tokens</c> (the store's trigger NOTIFYs the token name on each new current version and on removal)
/// and evicts that name, so no instance keeps handing out a superseded or revoked token. Because a notification sent
/// while this instance was not listening is lost, it also sweeps (compares the cached versions with the table) after
/// each (re)connection and whenever no notification came for <see cref="PollInterval"/>. A lost connection is retried
/// with backoff (1 s doubling to 30 s). Does nothing unless the store is <see cref="StoreKind.Postgres"/>.
/// </summary>
internal sealed partial class PostgresTokenChangeListener(
    IServiceProvider services, IOptions<EvertokenOptions> options, TimeProvider time, ILogger<PostgresTokenChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private Dictionary<string, long>? _lastSeen;
    private long _evictions;

    /// <summary>How long without a notification before a sweep. Default 5 seconds.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many evictions this listener made (notifications and sweeps); for tests and diagnostics.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Store != StoreKind.Postgres)
        {
            return;
        }

        var database = services.GetRequiredService<PostgresDatabase>();
        var keeper = services.GetRequiredService<ITokenKeeper>();
        var store = services.GetRequiredService<ITokenStore>();
        var backoff = FirstBackoff;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The schema (and its trigger) must exist before the first sweep; idempotent.
                await store.InitializeAsync(stoppingToken).ConfigureAwait(false);
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken).ConfigureAwait(false);
                connection.Notification += (_, e) => Evict(keeper, e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresMigrations.TokenChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }

                if (failures > 0)
                {
                    LogReconnected(logger, failures);
                }

                failures = 0;
                backoff = FirstBackoff;
                await SweepAsync(connection, keeper, stoppingToken).ConfigureAwait(false);
                while (true)
                {
                    if (!await connection.WaitAsync(PollInterval, stoppingToken).ConfigureAwait(false))
                    {
                        await SweepAsync(connection, keeper, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException or IOException or OperationCanceledException)
            {
                failures++;
                LogLost(logger, e.GetType().Name, e.Message, backoff.TotalSeconds);
                try
                {
                    await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
            }
        }
    }

    private void Evict(ITokenKeeper keeper, string name)
    {
        keeper.Evict(name);
        Interlocked.Increment(ref _evictions);
    }

    // Evicts every cached token whose version differs from the table (or that is gone). With a keeper that does not
    // expose its cache, compares with the previous sweep instead.
    private async Task SweepAsync(NpgsqlConnection connection, ITokenKeeper keeper, CancellationToken ct)
    {
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand("SELECT name, current_version FROM tokens", connection))
        {
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                versions[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        if (keeper is TokenKeeper local)
        {
            foreach (var cached in local.Cached.ToList())
            {
                if (!versions.TryGetValue(cached.Name, out var current) || current != cached.Version)
                {
                    Evict(keeper, cached.Name);
                }
            }
        }
        else if (_lastSeen is { } last)
        {
            foreach (var (name, version) in last)
            {
                if (!versions.TryGetValue(name, out var current) || current != version)
                {
                    Evict(keeper, name);
                }
            }
        }

        _lastSeen = versions;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL token change listener ({Type}: {Message}); retrying in {Seconds} s, cached tokens are swept on reconnect")]
    private static partial void LogLost(ILogger logger, string type, string message, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL token change listener reconnected after {Failures} failed attempts")]
    private static partial void LogReconnected(ILogger logger, int failures);
}
