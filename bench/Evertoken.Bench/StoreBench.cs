using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Evertoken.Hosting;
using Evertoken.Storage;
using Evertoken.Tokens;
using Evertoken.WhatsApp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench;

/// <summary>
/// <c>Evertoken.Bench store [--ops N] [--concurrency C] [--webhooks N] [--webhook-concurrency C] [--postgres CONNECTION]</c>:
/// token reads and webhook ingest against SQLite and PostgreSQL in the same run, wired by <c>AddEvertoken</c> (and
/// <c>AddWebhookInbox</c>) exactly as a host wires them. Scenarios: <c>store.get</c>
/// (<see cref="ITokenStore.GetTokenAsync"/>: one query and a decryption), <c>keeper.uncached</c>
/// (<see cref="ITokenKeeper.Evict"/> then <see cref="ITokenKeeper.GetAsync"/>: the token and its app read from the
/// store), <c>keeper.cached</c> (<see cref="ITokenKeeper.GetAsync"/> from memory), <c>webhook.append</c> (the signed
/// ~2 KB payloads of <see cref="WebhookBench"/>, each a new event: signature check, event extraction and
/// <see cref="IWebhookInbox.AppendAsync"/> until committed; the inbox is called directly, without HTTP). Prints
/// throughput and p50/p99 latency per store and scenario. PostgreSQL comes from <c>--postgres</c> or
/// <c>EVERTOKEN_TEST_POSTGRES</c> (bench/run-postgres.sh starts a throwaway server); without either only SQLite runs.
/// </summary>
public static class StoreBench
{
    private const string TokenName = "bench";
    private const string AppSecret = "bench-app-secret-0123456789";

    public static async Task<int> RunAsync(string[] args)
    {
        var ops = IntOption(args, "--ops", 20_000);
        var concurrency = IntOption(args, "--concurrency", 16);
        var webhooks = new WebhookLoad(IntOption(args, "--webhooks", 20_000), IntOption(args, "--webhook-concurrency", 64));
        var postgres = Option(args, "--postgres") ?? Environment.GetEnvironmentVariable("EVERTOKEN_TEST_POSTGRES");
        var folder = Path.Combine(Path.GetTempPath(), "evertoken-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"token reads: {ops} ops per scenario ({ops * 50} for keeper.cached), concurrency {concurrency}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"webhook.append: {webhooks.Count} signed {WebhookBench.BuildPayloadTemplate(2048).Length} byte payloads, concurrency {webhooks.Concurrency}; the inbox is called directly (verify + extract + append until committed, no HTTP); {Environment.ProcessorCount} cores"));
        Console.WriteLine($"{"store",-9} {"scenario",-16} {"ops/s",12} {"p50 µs",10} {"p99 µs",10}");
        try
        {
            await RunStoreAsync("sqlite", o => o.Store = StoreKind.Sqlite, folder, key, ops, concurrency, webhooks);
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
                await RunStoreAsync("postgres", o => { o.Store = StoreKind.Postgres; o.PostgresConnectionString = connection; }, folder, key, ops, concurrency, webhooks);
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

    private static async Task RunStoreAsync(string label, Action<EvertokenOptions> store, string folder, string masterKey, int ops, int concurrency, WebhookLoad webhooks)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddEvertoken(o =>
        {
            o.DataFolder = folder;
            o.MasterKey = new MasterKeyOptions { Key = masterKey };
            store(o);
        }).AddWebhookInbox();
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

        // Unique wamids (every append stores a new event), signed ahead: signing is Meta's side of the work.
        var inbox = provider.GetRequiredService<IWebhookInbox>();
        var template = WebhookBench.BuildPayloadTemplate(2048);
        var bodies = Enumerable.Range(0, webhooks.Count + 200).Select(i => WebhookBench.Unique(template, i)).ToArray();
        var signatures = bodies.Select(b => WebhookSignature.Sign(b, AppSecret)).ToArray();
        string[] secrets = [AppSecret];
        var next = -1;
        Report(label, "webhook.append", await MeasureAsync(webhooks.Count, webhooks.Concurrency, async () =>
        {
            var i = Interlocked.Increment(ref next);
            if (!WebhookSignature.Verify(bodies[i], signatures[i], secrets))
            {
                throw new InvalidOperationException("The bench payload's signature does not verify.");
            }

            if (!WebhookEventExtractor.TryValidate(bodies[i], out var invalid))
            {
                throw new InvalidOperationException($"The bench payload is not a webhook: {invalid}");
            }

            // Committed = acknowledged, as the receiver does; SQLite indexes the events right after, PostgreSQL within.
            await inbox.AppendAsync(bodies[i], DateTimeOffset.UnixEpoch);
        }));
        await inbox.WaitForIndexAsync();
        var events = await inbox.QueryEventsAsync(new WebhookEventQuery { Limit = 1 });
        if (events.Events.Count == 0)
        {
            throw new InvalidOperationException("The bench payloads stored no event.");
        }
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

    private readonly record struct WebhookLoad(int Count, int Concurrency);
}
