using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Evertoken.Hosting;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench;

/// <summary>
/// <c>Evertoken.Bench store [--ops N] [--concurrency C] [--postgres CONNECTION]</c>: token reads against SQLite and
/// PostgreSQL in the same run, wired by <c>AddEvertoken</c> exactly as a host wires them. Scenarios:
/// <c>store.get</c> (<see cref="ITokenStore.GetTokenAsync"/>: one query and a decryption), <c>keeper.uncached</c>
/// (<see cref="ITokenKeeper.Evict"/> then <see cref="ITokenKeeper.GetAsync"/>: the token and its app read from the
/// store), <c>keeper.cached</c> (<see cref="ITokenKeeper.GetAsync"/> from memory). Prints throughput and p50/p99
/// latency per store and scenario. PostgreSQL comes from <c>--postgres</c> or <c>EVERTOKEN_TEST_POSTGRES</c>
/// (bench/run-postgres.sh starts a throwaway server); without either only SQLite runs.
/// </summary>
public static class StoreBench
{
    private const string TokenName = "bench";

    public static async Task<int> RunAsync(string[] args)
    {
        var ops = IntOption(args, "--ops", 20_000);
        var concurrency = IntOption(args, "--concurrency", 16);
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("EVERTOKEN_TEST_POSTGRES");
        var folder = Path.Combine(Path.GetTempPath(), "evertoken-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"token reads: {ops} ops per scenario ({ops * 50} for keeper.cached), concurrency {concurrency}"));
        Console.WriteLine($"{"store",-9} {"scenario",-16} {"ops/s",12} {"p50 µs",10} {"p99 µs",10}");
        try
        {
            await RunStoreAsync("sqlite", o => o.Store = StoreKind.Sqlite, folder, key, ops, concurrency);
            if (string.IsNullOrWhiteSpace(postgres))
            {
                Console.WriteLine("postgres  skipped: set EVERTOKEN_TEST_POSTGRES or pass --postgres (bench/run-postgres.sh does)");
                return 0;
            }

            // A schema of its own, so the run neither sees nor leaves anything in the database's other tables.
            var schema = "bench_" + Guid.NewGuid().ToString("N")[..8];
            await ExecuteAsync(postgres, $"CREATE SCHEMA {schema}");
            try
            {
                var connection = new Npgsql.NpgsqlConnectionStringBuilder(postgres) { SearchPath = schema }.ConnectionString;
                await RunStoreAsync("postgres", o => { o.Store = StoreKind.Postgres; o.PostgresConnectionString = connection; }, folder, key, ops, concurrency);
            }
            finally
            {
                await ExecuteAsync(postgres, $"DROP SCHEMA {schema} CASCADE");
            }

            return 0;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task RunStoreAsync(string label, Action<EvertokenOptions> store, string folder, string masterKey, int ops, int concurrency)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddEvertoken(o =>
        {
            o.DataFolder = folder;
            o.MasterKey = new MasterKeyOptions { Key = masterKey };
            store(o);
        });
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredService<ITokenStore>();
        var keeper = provider.GetRequiredService<ITokenKeeper>();
        await tokens.InitializeAsync();
        await SeedAsync(tokens);

        Report(label, "store.get", await MeasureAsync(ops, concurrency, async () => await tokens.GetTokenAsync(TokenName)));
        Report(label, "keeper.uncached", await MeasureAsync(ops, concurrency, async () =>
        {
            keeper.Evict(TokenName);
            await keeper.GetAsync(TokenName);
        }));
        await keeper.GetAsync(TokenName);
        Report(label, "keeper.cached", await MeasureAsync(ops * 50, concurrency, async () => await keeper.GetAsync(TokenName)));
    }

    private static async Task SeedAsync(ITokenStore tokens)
    {
        if (await tokens.GetTokenAsync(TokenName) is not null)
        {
            return;
        }

        await tokens.UpsertAppAsync(new StoredApp("1234567890123456", RandomNumberGenerator.GetHexString(32, lowercase: true), "Bench"));
        await tokens.AddTokenAsync(new NewManagedToken
        {
            Name = TokenName,
            AppId = "1234567890123456",
            Version = new TokenVersionData
            {
                Value = "EAAG" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 196),
                Kind = TokenKind.SystemUser,
                // Never expiring: no read ever triggers a renewal (there is no Graph here).
                ExpiresAt = null,
                Source = "bench",
            },
        });
        await tokens.UpdateHealthAsync(TokenName, new TokenHealth { Status = TokenStatus.Healthy });
    }

    private static async Task<Result> MeasureAsync(int ops, int concurrency, Func<ValueTask> op)
    {
        // Warm-up: pools, JIT, prepared plans.
        for (var i = 0; i < Math.Min(200, ops); i++)
        {
            await op();
        }

        var latencies = new long[ops];
        var next = -1;
        var total = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < ops)
            {
                var start = Stopwatch.GetTimestamp();
                await op();
                latencies[i] = Stopwatch.GetTimestamp() - start;
            }
        })));
        total.Stop();
        Array.Sort(latencies);
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        return new Result(ops / total.Elapsed.TotalSeconds, Micros(latencies[ops / 2]), Micros(latencies[(int)(ops * 0.99)]));
    }

    private static void Report(string store, string scenario, Result r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store,-9} {scenario,-16} {r.OpsPerSecond,12:N0} {r.P50,10:N1} {r.P99,10:N1}"));

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var source = Npgsql.NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback) =>
        Option(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private readonly record struct Result(double OpsPerSecond, double P50, double P99);
}
