using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench;

/// <summary>
/// Webhook ingest and send throughput of <c>evertoken serve</c>, each next to a baseline in the same process:
/// signed ~2 KB payloads posted to <c>/webhooks/whatsapp</c> (verify + durable group-committed insert + 200) with
/// <c>synchronous=NORMAL</c> and <c>FULL</c>, against an endpoint that only verifies the signature and answers 200;
/// and messages sent through <c>/v1/messages</c> to the emulator. Prints events/s, p50, p99 and the ratios.
/// Usage: <c>Evertoken.Bench webhooks [--seconds 10] [--concurrency 64] [--warmup 3]</c>.
/// </summary>
public static class WebhookBench
{
    private const string AppSecret = "bench-app-secret-0123456789";
    private const string AdminKey = "eta_bench_admin_key_0123456789abcdef";

    /// <summary>Runs every phase and prints the results; returns the exit code (0, or 1 when a goal is missed).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 64);
        var warmup = Option(args, "--warmup", 3);
        var payload = BuildPayloadTemplate(2048);
        if (args.Contains("--micro"))
        {
            await MicroAsync(payload, concurrency, args);
            return 0;
        }

        Console.WriteLine($"webhook bench: {Environment.ProcessorCount} cores, {seconds} s per phase after {warmup} s warm-up, {concurrency} concurrent requests, {payload.Length} byte payloads");

        var results = new List<(string Name, Result Result)>();
        await using (var jit = await BenchServer.StartAsync([]))
        {
            // A throwaway round so the first measured phase does not pay for the JIT.
            await LoadAsync(jit.Url, "bench/baseline", id => Unique(payload, id), concurrency, 0, warmup, sign: true);
            await LoadAsync(jit.Url, "webhooks/whatsapp", id => Unique(payload, id), concurrency, 0, warmup, sign: true);
        }

        foreach (var full in new[] { false, true })
        {
            await using var server = await BenchServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:Inbox:SynchronousFull"] = full ? "true" : "false" });
            var mode = full ? "FULL" : "NORMAL";
            var baseline = await LoadAsync(server.Url, "bench/baseline", id => Unique(payload, id), concurrency, warmup, seconds, sign: true);
            var ingest = await LoadAsync(server.Url, "webhooks/whatsapp", id => Unique(payload, id), concurrency, warmup, seconds, sign: true);
            var stored = await server.CountStoredAsync();
            results.Add(($"baseline (verify only, {mode} run)", baseline));
            results.Add(($"ingest synchronous={mode}", ingest));
            Console.WriteLine($"  {mode}: baseline {baseline}");
            Console.WriteLine($"  {mode}: ingest   {ingest}  (ratio {ingest.PerSecond / baseline.PerSecond:0.00}x, {stored} events stored, {ingest.Failures} failures)");
        }

        var send = await SendBenchAsync(concurrency, warmup, seconds);
        Console.WriteLine();
        Console.WriteLine("| phase | events/s | p50 ms | p99 ms | errors | CPU us/req | idle-box capacity/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, result) in results)
        {
            Console.WriteLine(Row(name, result));
        }

        if (send is { } s)
        {
            Console.WriteLine(Row("send baseline (emulator direct)", s.Baseline));
            Console.WriteLine(Row("send via /v1/messages", s.Sent));
        }

        var normal = results[1].Result.PerSecond;
        var full2 = results[3].Result.PerSecond;
        var ratio = normal / results[0].Result.PerSecond;
        Console.WriteLine();
        Console.WriteLine($"machine load average at the end: {LoadAverage()} (other processes share these cores: wall-clock rates are only comparable within one run)");
        Console.WriteLine($"goals: NORMAL {normal:0}/s (>= 20000: {(normal >= 20000 ? "met" : "MISSED")}), FULL {full2:0}/s (>= 10000: {(full2 >= 10000 ? "met" : "MISSED")}), ratio {ratio:0.00}x (>= 0.5: {(ratio >= 0.5 ? "met" : "MISSED")})");
        return normal >= 20000 && full2 >= 10000 && ratio >= 0.5 ? 0 : 1;
    }

    private static async Task<(Result Baseline, Result Sent)?> SendBenchAsync(int concurrency, int warmup, int seconds)
    {
        var messagesPath = "";
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            ConfigureEndpoints = (endpoints, state) => messagesPath = WebhookBenchMessages.MapIfMissing(endpoints, state),
        });
        var sample = emulator.Sample;
        // Raise the emulator's own limit where it has one (the messaging branch); unknown settings are ignored.
        using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            using var _ = await control.PostAsync("_emulator/settings", new StringContent("""{"messages_per_second":100000,"throughput_limit":100000}""", Encoding.UTF8, "application/json"));
        }

        var version = messagesPath.Length == 0 ? "v25.0" : WebhookBenchMessages.Version;
        await using var server = await BenchServer.StartAsync(new Dictionary<string, string?>
        {
            ["Graph:BaseUrl"] = emulator.BaseUrl.ToString(),
            ["Graph:Version"] = version,
            ["Tokens:0:Name"] = "main",
            ["Tokens:0:Token"] = sample.SystemUserToken,
            ["Tokens:0:AppId"] = sample.AppId,
            ["Tokens:0:AppSecret"] = sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = sample.PhoneNumberId,
            ["Messaging:MessagesPerSecond"] = "1000",
            ["Messaging:MaxQueueDelay"] = "00:00:05",
        });
        // Our throttle allows at most 1,000 msg/s per number (Meta's ceiling): the stand-in spreads the load over 16
        // numbers to measure the service itself; the emulator's own messaging knows only the sample number.
        string[] phones = messagesPath.Length == 0 ? [sample.PhoneNumberId] : [.. Enumerable.Range(0, 16).Select(i => (106540352242900L + i).ToString(CultureInfo.InvariantCulture))];
        Console.WriteLine($"  send: emulator messages at /{version}/{{phone}}/messages{(messagesPath.Length == 0 ? " (emulator's own)" : " (bench stand-in: this emulator has no messaging yet)")}, {phones.Length} number(s), our throttle 1000 msg/s per number");
        var bodies = phones.Select(p => Encoding.UTF8.GetBytes($$"""{"to":"15550001111","text":"Your table is ready","phone_number_id":"{{p}}"}""")).ToArray();
        var direct = Encoding.UTF8.GetBytes("""{"messaging_product":"whatsapp","to":"15550001111","type":"text","text":{"body":"Your table is ready"}}""");
        var proof = Evertoken.Graph.AppSecretProof.Compute(sample.AppSecret, sample.SystemUserToken);
        var baseline = await LoadAsync(emulator.BaseUrl, $"{version}/{sample.PhoneNumberId}/messages?appsecret_proof={proof}", _ => direct, concurrency, warmup, seconds, sign: false, bearer: sample.SystemUserToken);
        var sent = await LoadAsync(server.Url, "v1/messages", id => bodies[id % bodies.Length], concurrency, warmup, seconds, sign: false, bearer: AdminKey);
        Console.WriteLine($"  send: emulator direct {baseline}");
        Console.WriteLine($"  send: /v1/messages    {sent}  (ratio {sent.PerSecond / baseline.PerSecond:0.00}x)");
        return (baseline, sent);
    }

    private static async Task<Result> LoadAsync(Uri server, string path, Func<long, byte[]> makeBody, int concurrency, int warmupSeconds, int seconds, bool sign, string? bearer = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var target = new Uri(server, path);
        long sequence = Random.Shared.NextInt64(1, 1L << 40);
        var recording = 0;
        var stop = 0;
        var latencies = new List<double>[concurrency];
        var failures = new long[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(1 << 16);
            while (Volatile.Read(ref stop) == 0)
            {
                var body = makeBody(Interlocked.Increment(ref sequence));
                using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                if (sign)
                {
                    request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Sign(body, AppSecret));
                }

                var start = Stopwatch.GetTimestamp();
                var ok = false;
                try
                {
                    using var response = await http.SendAsync(request);
                    ok = response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    // Counted below.
                }

                if (Volatile.Read(ref recording) == 1)
                {
                    if (ok)
                    {
                        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    else
                    {
                        failures[w]++;
                    }
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds));
        Volatile.Write(ref recording, 1);
        var clock = Stopwatch.StartNew();
        var cpu = Cpu();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref recording, 0);
        var elapsed = clock.Elapsed;
        var cpuUsed = Cpu() - cpu;
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(workers);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new Result(all.Length / elapsed.TotalSeconds, Percentile(all, 0.50), Percentile(all, 0.99), failures.Sum(),
            all.Length == 0 ? double.NaN : cpuUsed.TotalMicroseconds / all.Length);
    }

    // The parts of an ingest without HTTP: signature check, extraction, and concurrent appends to the inbox.
    private static async Task MicroAsync(byte[] payload, int concurrency, string[] args)
    {
        const int count = 20000;
        var bodies = Enumerable.Range(0, count).Select(i => Unique(payload, i)).ToArray();
        var signatures = bodies.Select(b => WebhookSignature.Sign(b, AppSecret)).ToArray();
        var clock = Stopwatch.StartNew();
        var cpu = Cpu();
        foreach (var (body, signature) in bodies.Zip(signatures))
        {
            WebhookSignature.Verify(body, signature, [AppSecret]);
        }

        Console.WriteLine($"verify:  {count / clock.Elapsed.TotalSeconds,10:0}/s  {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each");
        clock.Restart();
        cpu = Cpu();
        var parsed = bodies.Select(b => WebhookEventExtractor.ExtractEvents(b)).ToArray();
        Console.WriteLine($"extract: {count / clock.Elapsed.TotalSeconds,10:0}/s  {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each");
        clock.Restart();
        cpu = Cpu();
        foreach (var p in parsed)
        {
            foreach (var e in p.Events)
            {
                System.Text.Json.JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent);
            }
        }

        Console.WriteLine($"event json: {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each");
        if (args.Contains("--sqlite"))
        {
            const string Cache = "PRAGMA cache_size=-32768; PRAGMA mmap_size=268435456;";
            await RawSqliteAsync(bodies, parsed, Cache, "", rawJson: true);
            await RawSqliteAsync(bodies, parsed, Cache, "", rawJson: false);
            await RawSqliteAsync(bodies, parsed, Cache, "DROP INDEX ix_webhook_events_received_at;", rawJson: true);
        }

        foreach (var full in new[] { false, true })
        {
            var folder = Path.Combine(Path.GetTempPath(), "evertoken-bench", Guid.NewGuid().ToString("N"));
            await using var inbox = new SqliteWebhookInbox(Microsoft.Extensions.Options.Options.Create(new WebhookInboxOptions { DatabasePath = Path.Combine(folder, "w.db"), SynchronousFull = full }));
            await inbox.InitializeAsync();
            var next = -1;
            clock.Restart();
            cpu = Cpu();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await inbox.AppendAsync(bodies[i], parsed[i].Events, DateTimeOffset.UnixEpoch);
                }
            })));
            Console.WriteLine($"append ({(full ? "FULL" : "NORMAL")}): {count / clock.Elapsed.TotalSeconds,10:0}/s  {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each, {Batches(inbox)} batches");
            await inbox.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Row(string name, Result r) =>
        $"| {name} | {r.PerSecond:0} | {r.P50:0.00} | {r.P99:0.00} | {r.Failures} | {r.CpuMicrosPerRequest:0} | {r.IdleCapacity:0} |";

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    // The inbox's own SQL on one connection, batches of 32, to tell SQLite's cost from ours.
    private static async Task RawSqliteAsync(byte[][] bodies, WebhookParseResult[] parsed, string pragma, string after, bool rawJson)
    {
        var schema = Type.GetType("Evertoken.WhatsApp.Internal.WebhookInboxSchema, Evertoken")!;
        string Sql(string name) => (string)schema.GetField(name)!.GetValue(null)!;
        var folder = Path.Combine(Path.GetTempPath(), "evertoken-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "raw.db")}");
        await connection.OpenAsync();
        void Run(string sql)
        {
            using var c = connection.CreateCommand();
            c.CommandText = sql;
            c.ExecuteNonQuery();
        }

        Run("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; " + pragma);
        Run(Sql("Create"));
        if (after.Length > 0)
        {
            Run(after);
        }

        var cpu = Cpu();
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < bodies.Length; start += 32)
        {
            using var tx = connection.BeginTransaction();
            using var find = connection.CreateCommand();
            find.CommandText = Sql("FindEvent");
            find.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$dedup_key", ""));
            using var payload = connection.CreateCommand();
            payload.CommandText = Sql("InsertPayload");
            foreach (var n in new[] { "$received_at", "$body", "$body_sha256", "$event_count", "$new", "$duplicates", "$relay_state", "$phone_number_id" })
            {
                payload.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = n });
            }

            using var upsert = connection.CreateCommand();
            upsert.CommandText = Sql("UpsertEvent");
            foreach (var n in new[] { "$payload_id", "$dedup_key", "$kind", "$field", "$waba_id", "$phone_number_id", "$message_type", "$wamid", "$status", "$from_id", "$recipient_id", "$event_time", "$received_at", "$event_json", "$raw_json" })
            {
                upsert.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter { ParameterName = n });
            }

            for (var i = start; i < Math.Min(bodies.Length, start + 32); i++)
            {
                var e = parsed[i].Events[0];
                find.Parameters[0].Value = e.DedupKey;
                find.ExecuteScalar();
                object?[] pv = [1L, bodies[i], "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 1, 1, 0, "pending", "106540352242922"];
                for (var k = 0; k < pv.Length; k++)
                {
                    payload.Parameters[k].Value = pv[k];
                }

                var id = (long)payload.ExecuteScalar()!;
                object?[] ev = [id, e.DedupKey, "Message", "messages", e.WabaId, e.PhoneNumberId, e.MessageType, e.Wamid, DBNull.Value, e.From, DBNull.Value, 1L, 1L, "{\"kind\":\"Message\"}", rawJson ? e.RawJson : null];
                for (var k = 0; k < ev.Length; k++)
                {
                    upsert.Parameters[k].Value = ev[k] ?? DBNull.Value;
                }

                upsert.ExecuteNonQuery();
            }

            tx.Commit();
        }

        Console.WriteLine($"raw sqlite [{after}] raw_json={rawJson}: {bodies.Length / clock.Elapsed.TotalSeconds,8:0}/s  {(Cpu() - cpu).TotalMicroseconds / bodies.Length,7:0.0} us CPU each");
        await connection.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    // Internal counter of the inbox, read for the report only.
    private static object? Batches(SqliteWebhookInbox inbox) =>
        typeof(SqliteWebhookInbox).GetProperty("CommittedBatches", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)?.GetValue(inbox);

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    // A text-message webhook of about the given size; the wamid holds 16 digits replaced per request.
    internal static byte[] BuildPayloadTemplate(int size)
    {
        var node = new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject
                {
                    ["field"] = "messages",
                    ["value"] = new JsonObject
                    {
                        ["messaging_product"] = "whatsapp",
                        ["metadata"] = new JsonObject { ["display_phone_number"] = "15550783881", ["phone_number_id"] = "106540352242922" },
                        ["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = "Sheena Nelson" }, ["wa_id"] = "16505551234" }),
                        ["messages"] = new JsonArray(new JsonObject
                        {
                            ["from"] = "16505551234",
                            ["id"] = "wamid.BENCH0000000000000000",
                            ["timestamp"] = "1749416383",
                            ["type"] = "text",
                            ["text"] = new JsonObject { ["body"] = "" },
                        }),
                    },
                }),
            }),
        };
        var bare = Encoding.UTF8.GetByteCount(node.ToJsonString());
        node["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["text"]!["body"] = new string('x', Math.Max(0, size - bare));
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("wamid.BENCH");

    internal static byte[] Unique(byte[] template, long id)
    {
        var copy = (byte[])template.Clone();
        var at = copy.AsSpan().IndexOf(Marker) + Marker.Length;
        id.TryFormat(copy.AsSpan(at, 16), out _, "D16", CultureInfo.InvariantCulture);
        return copy;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    /// <summary>One phase: successful requests per second and latency percentiles in milliseconds.</summary>
    /// <param name="PerSecond">Successful requests per second (wall clock).</param>
    /// <param name="P50">Median latency, ms.</param>
    /// <param name="P99">99th percentile latency, ms.</param>
    /// <param name="Failures">Requests that did not get a 200.</param>
    /// <param name="CpuMicrosPerRequest">Process CPU time (server and load generator together) per successful request:
    /// what each request costs whatever else the machine is doing, so 2 cores / this = the capacity of an idle box.</param>
    internal sealed record Result(double PerSecond, double P50, double P99, long Failures, double CpuMicrosPerRequest)
    {
        /// <summary>Requests per second two idle cores would serve at this CPU cost.</summary>
        public double IdleCapacity => Environment.ProcessorCount * 1_000_000 / CpuMicrosPerRequest;

        public override string ToString() => $"{PerSecond,8:0}/s  p50 {P50,6:0.00} ms  p99 {P99,6:0.00} ms  {CpuMicrosPerRequest,6:0} us CPU/req (idle-box capacity {IdleCapacity:0}/s)";
    }

    /// <summary>An in-process <c>evertoken serve</c> with a temp data folder and the baseline endpoint mapped beside it.</summary>
    private sealed class BenchServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _folder;

        private BenchServer(WebApplication app, Uri url, string folder)
        {
            _app = app;
            Url = url;
            _folder = folder;
        }

        public Uri Url { get; }

        public static async Task<BenchServer> StartAsync(Dictionary<string, string?> extra)
        {
            var folder = Path.Combine(Path.GetTempPath(), "evertoken-bench", Guid.NewGuid().ToString("N"));
            var config = new Dictionary<string, string?>
            {
                ["DataFolder"] = folder,
                ["MasterKey:Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                ["Server:AdminApiKey"] = AdminKey,
                ["Server:AdminPassword"] = "bench-password",
                ["Server:RunRefreshWorker"] = "false",
                ["Webhooks:AppSecrets:0"] = AppSecret,
            };
            foreach (var (key, value) in extra)
            {
                config[key] = value;
            }

            var app = ServerApp.Build(new ServerSettings { Urls = "http://127.0.0.1:0", Config = config, Announce = TextWriter.Null, LogLevel = LogLevel.Warning });
            // The baseline: the same body read and signature check, no parsing, no storage.
            app.MapPost("/bench/baseline", async (HttpContext http) =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer);
                return WebhookSignature.Verify(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), http.Request.Headers[WebhookSignature.HeaderName].ToString(), AppSecret)
                    ? Results.Ok()
                    : Results.StatusCode(401);
            }).AllowAnonymous();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new BenchServer(app, new Uri(address.TrimEnd('/') + "/"), folder);
        }

        public async Task<long> CountStoredAsync()
        {
            var inbox = _app.Services.GetRequiredService<IWebhookInbox>();
            return await inbox.GetLastEventIdAsync() ?? 0;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }
}
