using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Bench.Proxy;
using Evertoken.Emulator;
using Evertoken.Server.Hosting;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench;

/// <summary>
/// Webhook ingest and send throughput of <c>evertoken serve</c>, each next to a baseline in the same run.
/// <para>Ingest: for <c>synchronous=NORMAL</c> and then <c>FULL</c>, a child process runs the server with a baseline
/// endpoint beside the receiver that reads the body, verifies the signature and answers 200 without storing; wrk (a
/// separate process, so the load generator costs the server less than an in-process HttpClient did) posts the same
/// pre-signed, distinct ~2 KB payloads (<see cref="WebhookWrk"/>) to the baseline and then to
/// <c>/webhooks/whatsapp</c> (verify + envelope check + group-committed durable insert + 200). Prints events/s, p50,
/// p99, the server's CPU per request and peak RSS, the ratio to the baseline, the stored count against the
/// acknowledged count, and how long the indexer took to catch up after the burst.</para>
/// <para>Send: messages through <c>/v1/messages</c> to the emulator against the emulator directly (in-process
/// HttpClient load). Usage: <c>Evertoken.Bench webhooks [--seconds 10] [--concurrency 64] [--warmup 8] [--threads 2]
/// [--max-rate 40000] [--no-send]</c>; <c>--micro</c> times the parts without HTTP.</para>
/// </summary>
public static class WebhookBench
{
    private const string AppSecret = "bench-app-secret-0123456789";
    private const string AdminKey = "eta_bench_admin_key_0123456789abcdef";

    /// <summary>Runs every phase and prints the results; returns the exit code (0, or 1 when a goal is missed).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--serve-webhooks", var serveMode])
        {
            return await ServeAsync(full: serveMode == "full");
        }

        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 64);
        var warmup = Option(args, "--warmup", 8);
        var threads = Option(args, "--threads", 2);
        var maxRate = Option(args, "--max-rate", 40000);
        var payload = BuildPayloadTemplate(2048);
        if (args.Contains("--micro"))
        {
            await MicroAsync(payload, concurrency, args);
            return 0;
        }

        if (!OnPath("wrk"))
        {
            Console.Error.WriteLine("wrk is not installed (bench/run-webhooks.sh installs it).");
            return 2;
        }

        Console.WriteLine($"webhook bench: {Environment.ProcessorCount} cores, load average {LoadAverage()}, wrk -t{threads} -c{concurrency}, {seconds} s per phase after {warmup} s warm-up, {payload.Length} byte payloads");
        var idAt = payload.AsSpan().IndexOf(Marker) + Marker.Length;
        using var wrk = WebhookWrk.Create(payload, idAt);
        // Distinct within a server's database: the warm-up and measured runs use disjoint id ranges (both servers
        // start empty, so the same files serve NORMAL and FULL).
        var firstId = Random.Shared.NextInt64(1, 1L << 40);
        var signing = Stopwatch.StartNew();
        var warmData = wrk.WriteData("warmup", payload, idAt, firstId, maxRate * warmup, AppSecret);
        var data = wrk.WriteData("measured", payload, idAt, firstId + (maxRate * (long)warmup), maxRate * seconds, AppSecret);
        Console.WriteLine($"  {maxRate * (warmup + seconds)} distinct signed payloads prepared in {signing.Elapsed.TotalSeconds:0.0} s (enough for {maxRate}/s)");

        var modes = new List<ModeResult>();
        foreach (var full in new[] { false, true })
        {
            var mode = full ? "FULL" : "NORMAL";
            await using var server = await ChildServer.StartBenchModeAsync($"serve {mode}", ["webhooks", "--serve-webhooks", full ? "full" : "normal"]);
            var baseline = await PhaseAsync(wrk, server, "bench/baseline", warmData, data, threads, concurrency, warmup, seconds);
            Console.WriteLine($"  {mode}: baseline {Describe(baseline)}");
            var ingest = await PhaseAsync(wrk, server, "webhooks/whatsapp", warmData, data, threads, concurrency, warmup, seconds);
            Console.WriteLine($"  {mode}: ingest   {Describe(ingest)}  (ratio {ingest.Run.Load.RequestsPerSecond / baseline.Run.Load.RequestsPerSecond:0.00}x)");
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            var atEnd = await StatsAsync(http, wait: false);
            var cpu = server.CpuTime();
            var drain = Stopwatch.StartNew();
            var stored = await StatsAsync(http, wait: true);
            var drainSeconds = drain.Elapsed.TotalSeconds;
            var drainCpu = (server.CpuTime() - cpu).TotalMicroseconds;
            var result = new ModeResult(mode, baseline, ingest, atEnd, stored, drainSeconds, atEnd.Unindexed == 0 ? double.NaN : drainCpu / atEnd.Unindexed, server.PeakRssMiB());
            modes.Add(result);
            Console.WriteLine($"  {mode}: {result.StoredCheck}");
            Console.WriteLine($"  {mode}: indexer backlog at the end of the burst {atEnd.Unindexed} payloads, caught up {drainSeconds:0.0} s later ({result.DrainCpuMicrosPerEvent:0} us server CPU per event indexed)");
        }

        var send = args.Contains("--no-send") ? null : await SendBenchAsync(concurrency, warmup, seconds);
        Console.WriteLine();
        Console.WriteLine("| phase | events/s | p50 ms | p99 ms | 2xx | non-2xx | server CPU us/req | server peak RSS MiB |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in modes)
        {
            Console.WriteLine(WrkRow($"baseline (verify only, {m.Mode} server)", m.Baseline, m.PeakRssMiB));
            Console.WriteLine(WrkRow($"ingest synchronous={m.Mode}", m.Ingest, m.PeakRssMiB));
        }

        if (send is { } s)
        {
            Console.WriteLine();
            Console.WriteLine("| send phase (in-process HttpClient load) | msg/s | p50 ms | p99 ms | errors | process CPU us/req |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Console.WriteLine(Row("send baseline (emulator direct)", s.Baseline));
            Console.WriteLine(Row("send via /v1/messages", s.Sent));
        }

        Console.WriteLine();
        foreach (var m in modes)
        {
            Console.WriteLine($"{m.Mode}: ingest/baseline {m.Ratio:0.00}x; {m.StoredCheck}; indexer caught up {m.DrainSeconds:0.0} s after the burst ({m.AtEnd.Unindexed} payloads behind)");
        }

        var normal = modes[0].Ingest.Run.Load.RequestsPerSecond;
        var fullRate = modes[1].Ingest.Run.Load.RequestsPerSecond;
        var ratio = modes[0].Ratio;
        var storedOk = modes.All(m => m.StoredOk);
        Console.WriteLine($"machine load average at the end: {LoadAverage()} (other processes share these cores: wall-clock rates are only comparable within one run)");
        Console.WriteLine($"goals: NORMAL {normal:0}/s (>= 20000: {Met(normal >= 20000)}), FULL {fullRate:0}/s (>= 10000: {Met(fullRate >= 10000)}), ratio {ratio:0.00}x (>= 0.5: {Met(ratio >= 0.5)}), every 200 stored: {Met(storedOk)}");
        return normal >= 20000 && fullRate >= 10000 && ratio >= 0.5 && storedOk ? 0 : 1;
    }

    private static string Met(bool met) => met ? "met" : "MISSED";

    // The child process: one server (NORMAL or FULL) with the baseline and stats endpoints, until stdin closes.
    private static async Task<int> ServeAsync(bool full)
    {
        await using var server = await BenchServer.StartAsync(new Dictionary<string, string?> { ["Webhooks:Inbox:SynchronousFull"] = full ? "true" : "false" });
        Console.WriteLine($"LISTENING {server.Url}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    // A warm-up run (not measured, its payloads are stored too), then the measured run with the server's CPU time.
    private static async Task<Phase> PhaseAsync(WebhookWrk wrk, ChildServer server, string path, string warmData, string data, int threads, int connections, int warmup, int seconds)
    {
        var url = new Uri(server.BaseUrl, path);
        var warm = await wrk.RunAsync(url, warmData, threads, connections, warmup);
        // The measured burst starts as a burst would in service: with the indexer caught up on the warm-up's payloads
        // (and the JIT done with the new code paths).
        using (var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) })
        {
            await StatsAsync(http, wait: true);
        }

        var cpu = server.CpuTime();
        var run = await wrk.RunAsync(url, data, threads, connections, seconds);
        var used = server.CpuTime() - cpu;
        return new Phase(warm, run, run.Load.Requests == 0 ? double.NaN : used.TotalMicroseconds / run.Load.Requests);
    }

    private static async Task<Stats> StatsAsync(HttpClient http, bool wait)
    {
        var node = JsonNode.Parse(await http.GetStringAsync(wait ? "bench/stats?wait=true" : "bench/stats"))!;
        return new Stats(node["payloads"]!.GetValue<long>(), node["events"]!.GetValue<long>(), node["unindexed"]!.GetValue<long>(), node["failed"]!.GetValue<long>());
    }

    private static string Describe(Phase p) =>
        $"{p.Run.Load.RequestsPerSecond,8:0}/s  p50 {p.Run.Load.P50Ms,6:0.00} ms  p99 {p.Run.Load.P99Ms,6:0.00} ms  {p.CpuMicrosPerRequest,5:0} us server CPU/req  {p.Run.Load.Failures} non-2xx/errors";

    private static string WrkRow(string name, Phase p, double rss) =>
        $"| {name} | {p.Run.Load.RequestsPerSecond:0} | {p.Run.Load.P50Ms:0.00} | {p.Run.Load.P99Ms:0.00} | {p.Run.Acknowledged} | {p.Run.Load.Failures} | {p.CpuMicrosPerRequest:0} | {rss:0} |";

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static async Task<(Result Baseline, Result Sent)?> SendBenchAsync(int concurrency, int warmup, int seconds)
    {
        var messagesPath = "";
        await using var emulator = await EmulatorHost.StartAsync(new EmulatorOptions
        {
            ConfigureEndpoints = (endpoints, state) => messagesPath = WebhookBenchMessages.MapIfMissing(endpoints, state),
        });
        var sample = emulator.Sample;
        // Lift the emulator's own limits, which would otherwise answer almost every request with an error: its
        // per-number throughput (80 msg/s by default) and its (business, user) pair limit (131056: a burst of 45,
        // then one per 6 s), since every message here goes to the same user. The pair interval is 1 us rather than 0:
        // with 0 the emulator's bucket computes 0 x infinity (NaN) for two requests in the same tick and refuses.
        using (var control = new HttpClient { BaseAddress = emulator.BaseUrl })
        {
            using var settings = await control.PostAsync("_emulator/settings", new StringContent(
                """{"throughput_messages_per_second":1000000,"pair_rate_limit_interval_seconds":0.000001,"pair_rate_limit_burst":1000000}""", Encoding.UTF8, "application/json"));
            if (!settings.IsSuccessStatusCode)
            {
                Console.WriteLine($"  send: the emulator refused the settings: {(int)settings.StatusCode} {await settings.Content.ReadAsStringAsync()}");
            }
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
        var reported = 0;
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
                    if (!ok && Interlocked.Exchange(ref reported, 1) == 0)
                    {
                        // The first failure is shown, so a phase that fails throughout says why.
                        var text = await response.Content.ReadAsStringAsync();
                        Console.WriteLine($"  first failure on /{path}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 300)]}");
                    }
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
        WebhookParseResult[] parsed = [];
        // Three rounds of the CPU-only parts: the first runs partly on tier-0 code, so only the last is printed.
        for (var round = 1; round <= 3; round++)
        {
            var last = round == 3;
            clock.Restart();
            cpu = Cpu();
            foreach (var (body, signature) in bodies.Zip(signatures))
            {
                WebhookSignature.Verify(body, signature, [AppSecret]);
            }

            Report(last, "verify", clock, cpu, count, "");
            clock.Restart();
            cpu = Cpu();
            foreach (var body in bodies)
            {
                WebhookEventExtractor.TryValidate(body, out _);
            }

            Report(last, "validate", clock, cpu, count, " (the receiver's envelope check)");
            clock.Restart();
            cpu = Cpu();
            parsed = bodies.Select(b => WebhookEventExtractor.ExtractEvents(b)).ToArray();
            Report(last, "extract", clock, cpu, count, "");
            clock.Restart();
            cpu = Cpu();
            foreach (var p in parsed)
            {
                foreach (var e in p.Events)
                {
                    System.Text.Json.JsonSerializer.Serialize(e with { RawJson = "" }, WhatsAppJsonContext.Default.WebhookEvent);
                }
            }

            Report(last, "event json", clock, cpu, count, "");
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
                    await inbox.AppendAsync(bodies[i], DateTimeOffset.UnixEpoch);
                }
            })));
            Console.WriteLine($"append ({(full ? "FULL" : "NORMAL")}): {count / clock.Elapsed.TotalSeconds,10:0}/s  {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each, {Batches(inbox)} batches");
            await inbox.WaitForIndexAsync();
            Console.WriteLine($"  indexed by {clock.Elapsed.TotalSeconds:0.00} s: {count / clock.Elapsed.TotalSeconds,10:0}/s end to end, {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each with indexing");
            await inbox.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Report(bool print, string part, Stopwatch clock, TimeSpan cpu, int count, string note)
    {
        if (print)
        {
            Console.WriteLine($"{part + ":",-11} {count / clock.Elapsed.TotalSeconds,10:0}/s  {(Cpu() - cpu).TotalMicroseconds / count,7:0.0} us CPU each{note}");
        }
    }

    private static string Row(string name, Result r) =>
        $"| {name} | {r.PerSecond:0} | {r.P50:0.00} | {r.P99:0.00} | {r.Failures} | {r.CpuMicrosPerRequest:0} |";

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

    /// <summary>A wrk phase: the warm-up run, the measured run, and the server's CPU per measured request.</summary>
    private sealed record Phase(WrkRun Warmup, WrkRun Run, double CpuMicrosPerRequest);

    /// <summary>What the server's inbox holds: payload rows, events, payloads not indexed yet, payloads whose events were unreadable.</summary>
    private sealed record Stats(long Payloads, long Events, long Unindexed, long Failed);

    /// <summary>One durability mode's results.</summary>
    private sealed record ModeResult(string Mode, Phase Baseline, Phase Ingest, Stats AtEnd, Stats Stored, double DrainSeconds, double DrainCpuMicrosPerEvent, double PeakRssMiB)
    {
        public double Ratio => Ingest.Run.Load.RequestsPerSecond / Baseline.Run.Load.RequestsPerSecond;

        /// <summary>Answered 200 by the receiver (warm-up and measured runs).</summary>
        public long Acknowledged => Ingest.Warmup.Acknowledged + Ingest.Run.Acknowledged;

        // wrk stops with requests in flight: the server may commit a few it never reports, at most one per connection
        // per run. Every 200 must be stored; every payload carries one distinct event.
        public bool StoredOk => Stored.Payloads >= Acknowledged && Stored.Events == Stored.Payloads && Stored.Failed == 0
            && Stored.Unindexed == 0 && Ingest.Warmup.Wraps == 0 && Ingest.Run.Wraps == 0;

        public string StoredCheck =>
            $"{Acknowledged} answered 200, {Stored.Payloads} payloads stored ({Stored.Payloads - Acknowledged} more: in flight when wrk stopped), {Stored.Events} events indexed, {Stored.Failed} failed, {Ingest.Warmup.Wraps + Ingest.Run.Wraps} payload reuses: {(StoredOk ? "OK" : "MISMATCH")}";
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

            // The baseline: the same body read and signature check, no parsing, no storage, on a pipeline branch ahead
            // of everything else, as the receiver's own branch is (routing and authentication would cost it more).
            var app = ServerApp.Build(new ServerSettings
            {
                Urls = "http://127.0.0.1:0",
                Config = config,
                Announce = TextWriter.Null,
                LogLevel = LogLevel.Warning,
                ConfigureServices = services => services.AddSingleton<IStartupFilter, BaselineBranch>(),
            });
            // What the inbox holds, optionally once the indexer has caught up (read straight from the file).
            app.MapGet("/bench/stats", async (HttpContext http, IWebhookInbox inbox) =>
            {
                if (http.Request.Query["wait"] == "true")
                {
                    using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(10));
                    await inbox.WaitForIndexAsync(long.MaxValue, deadline.Token);
                }

                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "webhooks.db")};Mode=ReadOnly;Pooling=False");
                await connection.OpenAsync();
                async Task<long> Count(string sql)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = sql;
                    return (long)(await command.ExecuteScalarAsync())!;
                }

                return Results.Json(new Dictionary<string, long>
                {
                    ["payloads"] = await Count("SELECT COUNT(*) FROM webhook_payloads;"),
                    ["events"] = await Count("SELECT COUNT(*) FROM webhook_events;"),
                    ["unindexed"] = await Count("SELECT COUNT(*) FROM webhook_payloads WHERE index_state = 'unindexed';"),
                    ["failed"] = await Count("SELECT COUNT(*) FROM webhook_payloads WHERE index_state = 'failed';"),
                });
            }).AllowAnonymous();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new BenchServer(app, new Uri(address.TrimEnd('/') + "/"), folder);
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

    // POST /bench/baseline, ahead of the server's own pipeline.
    private sealed class BaselineBranch : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.MapWhen(c => c.Request.Path == "/bench/baseline", branch => branch.Run(async http =>
            {
                using var buffer = new MemoryStream();
                await http.Request.Body.CopyToAsync(buffer);
                http.Response.StatusCode = WebhookSignature.Verify(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), http.Request.Headers[WebhookSignature.HeaderName].ToString(), AppSecret)
                    ? StatusCodes.Status200OK
                    : StatusCodes.Status401Unauthorized;
            }));
            next(app);
        };
    }
}
