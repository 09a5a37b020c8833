using Evertoken.Hosting;
using Evertoken.Storage.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// With a shared PostgreSQL store, loads the dashboard's key ring at start under an advisory lock: instances that start
/// together on an empty ring would each make a key before seeing the other's, and each would then refuse the other's
/// cookies until its next ring refresh (a day). Under the lock the first makes the key and the others load it.
/// Registered ahead of Data Protection's own start-up load, which then finds the ring cached.
/// </summary>
internal sealed class SharedKeyRingStartup(IOptions<EvertokenOptions> options, IServiceProvider services, IDataProtectionProvider protection) : IHostedService
{
    private static readonly long LockKey = PostgresSchema.LockKey("evertoken.dataprotection-keys");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Store != StoreKind.Postgres)
        {
            return;
        }

        var database = services.GetRequiredService<PostgresDatabase>();
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = connection.CreateCommand())
        {
            take.CommandText = "SELECT pg_advisory_lock(@key)";
            take.Parameters.AddWithValue("key", LockKey);
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            // Any protection loads the ring, and makes the first key when the table has none.
            protection.CreateProtector("evertoken.key-ring-startup").Protect([1]);
        }
        finally
        {
            await using var release = connection.CreateCommand();
            release.CommandText = "SELECT pg_advisory_unlock(@key)";
            release.Parameters.AddWithValue("key", LockKey);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
