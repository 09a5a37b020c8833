using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Evertoken.Bench.Proxy.Servers;

namespace Evertoken.Bench.Proxy;

/// <summary>
/// The proxy benchmark. In one run, on loopback: wrk against the upstream directly, the Evertoken proxy, bare YARP
/// and nginx (all forwarding to the same upstream); a fixed-rate run (Evertoken vs YARP); token reads vs a plain
/// endpoint; TokenKeeper.GetAsync in-process. Prints a table and the ratios. It measures; it asserts nothing.
/// </summary>
internal static class ProxyBench
{
    /// <summary>
    /// <c>proxy [--duration 10] [--warmup 8] [--threads 2] [--connections 32] [--rate 1000] [--rounds 3] [--only reads]</c> runs the bench;
    /// <c>proxy --serve-upstream | --serve-evertoken URL | --serve-yarp URL</c> is one of its child servers.
    /// </summary>
    public static async Task<int> MainAsync(string[] args) => args switch
    {
        ["--serve-upstream"] => await UpstreamServer.RunAsync(),
        ["--serve-evertoken", var upstream] => await EvertokenServer.RunAsync(new Uri(upstream)),
        ["--serve-yarp", var upstream] => await YarpServer.RunAsync(new Uri(upstream)),
        _ => await RunAsync(BenchSettings.Parse(args)),
    };

    private static async Task<int> RunAsync(BenchSettings settings)
    {
        var hasWrk = OnPath("wrk");
        var hasNginx = OnPath("nginx");
        Console.WriteLine($"Evertoken proxy bench: {Environment.ProcessorCount} cores, .NET {Environment.Version}, wrk -t{settings.Threads} -c{settings.Connections} -d{settings.Duration}s (+{settings.Warmup}s warm-up), fixed rate {settings.Rate}/s, each row the median of {settings.Rounds} interleaved rounds");
        if (!hasWrk)
        {
            Console.Error.WriteLine("wrk is not installed (bench/run-proxy.sh installs it): throughput rows are skipped.");
        }

        var rows = new List<Row>();
        var servers = new List<ChildServer>();
        ChildServer? nginx = null;
        DirectoryInfo? nginxFolder = null;
        try
        {
            var upstream = await ChildServer.StartBenchModeAsync("upstream (Kestrel)", ["proxy", "--serve-upstream"]);
            servers.Add(upstream);
            var evertoken = await ChildServer.StartBenchModeAsync("Evertoken proxy", ["proxy", "--serve-evertoken", upstream.BaseUrl.ToString()]);
            servers.Add(evertoken);
            if (!settings.OnlyReads)
            {
                if (hasNginx)
                {
                    (nginx, nginxFolder) = await NginxServer.StartAsync(upstream.BaseUrl);
                    servers.Add(nginx);
                }

                await ProxyPhasesAsync(upstream, evertoken, nginx, servers, rows, settings, hasWrk);
            }

            if (hasWrk)
            {
                var readKey = await CreateKeyAsync(evertoken.BaseUrl, "read-token");
                var valueUrl = new Uri(evertoken.BaseUrl, $"v1/tokens/{BenchData.TokenName}/value");
                var plainUrl = new Uri(upstream.BaseUrl, "plain/token-value");
                await CheckAnswersAsync("token read", valueUrl, readKey, null);
                rows.AddRange(await RoundsAsync(settings, [
                    warmup => MeasureAsync("token reads", "GET /v1/tokens/{name}/value", evertoken, valueUrl, settings, readKey, warmup),
                    warmup => MeasureAsync("token reads", "plain Kestrel JSON", upstream, plainUrl, settings, null, warmup),
                ], r => r.Result.RequestsPerSecond));
            }

            var (keeperRate, dictionaryRate) = settings.OnlyReads
                ? (double.NaN, double.NaN)
                : await KeeperLoop.RunAsync(TimeSpan.FromSeconds(Math.Max(1, settings.Duration / 3)));

            var rss = servers.ToDictionary(s => s.Name, s => s.PeakRssMiB());
            Print(rows, rss, keeperRate, dictionaryRate, settings);
            return 0;
        }
        finally
        {
            if (nginx is not null)
            {
                NginxServer.Stop(nginx);
            }

            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            nginxFolder?.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The proxy rows: throughput of the upstream direct, the Evertoken proxy (with and without OpenTelemetry), bare
    /// YARP and nginx (when running), then the fixed-rate latency run. Starts the extra .NET servers (added to
    /// <paramref name="servers"/>, which the caller disposes).
    /// </summary>
    private static async Task ProxyPhasesAsync(
        ChildServer upstream, ChildServer evertoken, ChildServer? nginx, List<ChildServer> servers, List<Row> rows, BenchSettings settings, bool hasWrk)
    {
        // The same server with the OpenTelemetry SDK switched off (its documented kill switch), to show what
        // metrics cost per call.
        var quiet = await ChildServer.StartBenchModeAsync("Evertoken proxy, OTel off", ["proxy", "--serve-evertoken", upstream.BaseUrl.ToString()],
            new Dictionary<string, string> { ["OTEL_SDK_DISABLED"] = "true" });
        servers.Add(quiet);
        var yarp = await ChildServer.StartBenchModeAsync("bare YARP", ["proxy", "--serve-yarp", upstream.BaseUrl.ToString()]);
        servers.Add(yarp);
        var proxyKey = await CreateKeyAsync(evertoken.BaseUrl, "proxy");
        var quietKey = await CreateKeyAsync(quiet.BaseUrl, "proxy");
        var graph = BenchData.GraphPath.TrimStart('/');
        var targets = new List<(string Name, ChildServer Server, Uri Url, string? Key)>
        {
            ("upstream direct", upstream, new Uri(upstream.BaseUrl, graph), null),
            ("Evertoken proxy", evertoken, new Uri(evertoken.BaseUrl, "graph/" + graph), proxyKey),
            ("bare YARP", yarp, new Uri(yarp.BaseUrl, "graph/" + graph), null),
            ("Evertoken proxy, OTel off", quiet, new Uri(quiet.BaseUrl, "graph/" + graph), quietKey),
        };
        if (nginx is not null)
        {
            targets.Add(("nginx", nginx, new Uri(nginx.BaseUrl, "graph/" + graph), null));
        }

        foreach (var (name, _, url, key) in targets)
        {
            await CheckAnswersAsync(name, url, key, BenchData.PhoneNumber.Length);
        }

        if (hasWrk)
        {
            rows.AddRange(await RoundsAsync(settings,
                [.. targets.Select(t => (Func<int, Task<Row>>)(warmup => MeasureAsync("throughput", t.Name, t.Server, t.Url, settings, t.Key, warmup)))],
                r => r.Result.RequestsPerSecond));
        }

        // Fixed rate: the added latency of the proxy at a realistic load, not at saturation (median by p99).
        var directTarget = targets[0];
        var evertokenTarget = targets[1];
        var yarpTarget = targets[2];
        rows.AddRange(await RoundsAsync(settings, [
            warmup => FixedRateAsync("upstream direct", upstream, directTarget.Url, settings, null, warmup),
            warmup => FixedRateAsync("Evertoken proxy", evertoken, evertokenTarget.Url, settings, evertokenTarget.Key, warmup),
            warmup => FixedRateAsync("bare YARP", yarp, yarpTarget.Url, settings, null, warmup),
        ], r => r.Result.P99Ms));
    }

    /// <summary>
    /// Runs every measurement <see cref="BenchSettings.Rounds"/> times, interleaved (so a noisy minute hits every
    /// target alike), and keeps each one's median round by <paramref name="rank"/>. The first round warms up for
    /// <see cref="BenchSettings.Warmup"/> seconds, later ones for 2.
    /// </summary>
    private static async Task<List<Row>> RoundsAsync(BenchSettings settings, IReadOnlyList<Func<int, Task<Row>>> measurements, Func<Row, double> rank)
    {
        var runs = measurements.Select(_ => new List<Row>()).ToList();
        for (var round = 0; round < settings.Rounds; round++)
        {
            var warmup = round == 0 ? settings.Warmup : Math.Min(2, settings.Warmup);
            for (var i = 0; i < measurements.Count; i++)
            {
                runs[i].Add(await measurements[i](warmup));
            }
        }

        return [.. runs.Select(r => r.OrderBy(rank).ElementAt(r.Count / 2) with { Rounds = r.Count })];
    }

    private static async Task<Row> MeasureAsync(string run, string target, ChildServer server, Uri url, BenchSettings settings, string? key, int warmup)
    {
        await Wrk.RunAsync(url, settings, warmup, key);
        var cpu = server.CpuTime();
        var result = await Wrk.RunAsync(url, settings, settings.Duration, key);
        return new Row(run, target, server, result, CpuPerRequest(server.CpuTime() - cpu, result));
    }

    private static async Task<Row> FixedRateAsync(string target, ChildServer server, Uri url, BenchSettings settings, string? key, int warmup)
    {
        await FixedRateLoad.RunAsync(url, settings.Rate, warmup, key);
        var cpu = server.CpuTime();
        var result = await FixedRateLoad.RunAsync(url, settings.Rate, settings.Duration, key);
        return new Row($"fixed {settings.Rate}/s", target, server, result, CpuPerRequest(server.CpuTime() - cpu, result));
    }

    /// <summary>CPU microseconds the server spent per answered request: on a shared box, steadier than req/s.</summary>
    private static double CpuPerRequest(TimeSpan cpu, LoadResult result) => result.Requests == 0 ? double.NaN : cpu.TotalMicroseconds / result.Requests;

    private static async Task<string> CreateKeyAsync(Uri server, string scope)
    {
        using var client = new HttpClient { BaseAddress = server };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", BenchData.AdminKey);
        using var response = await client.PostAsJsonAsync("v1/client-keys", new { name = "bench-" + scope, scopes = new[] { scope }, tokens = new[] { BenchData.TokenName } });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["key"]!;
    }

    /// <summary>One call before the load: a target that answers wrongly would make its numbers meaningless.</summary>
    private static async Task CheckAnswersAsync(string name, Uri url, string? key, int? expectedLength)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode || (expectedLength is { } length && body.Length != length))
        {
            throw new InvalidOperationException($"{name} answered {(int)response.StatusCode} with {body.Length} bytes; expected 200 with {expectedLength}.");
        }
    }

    private static void Print(List<Row> rows, Dictionary<string, double> rss, double keeperRate, double dictionaryRate, BenchSettings settings)
    {
        static string F(double value, string format = "F2") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"{"run",-18} {"target",-30} {"req/s",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"failed",7} {"CPU us/req",11} {"peak RSS MiB",13}");
        Console.WriteLine(new string('-', 130));
        foreach (var row in rows)
        {
            var r = row.Result;
            Console.WriteLine($"{row.Run,-18} {row.Target,-30} {F(r.RequestsPerSecond, "F0"),10} {F(r.P50Ms),8} {F(r.P90Ms ?? double.NaN),8} {F(r.P99Ms),8} {F(r.P999Ms ?? double.NaN),9} {r.Failures,7} {F(row.CpuUsPerRequest, "F0"),11} {F(rss[row.Server.Name], "F1"),13}");
        }

        Console.WriteLine();
        if (!double.IsNaN(keeperRate))
        {
            Console.WriteLine($"{"in-process",-18} {"TokenKeeper.GetAsync (cached)",-30} {F(keeperRate, "N0"),14} calls/s on {Environment.ProcessorCount} threads");
            Console.WriteLine($"{"in-process",-18} {"ConcurrentDictionary read",-30} {F(dictionaryRate, "N0"),14} calls/s (floor)");
        }

        Console.WriteLine();
        Console.WriteLine("Peak RSS (VmHWM) per server process: " + string.Join(", ", rss.Select(kv => $"{kv.Key} {F(kv.Value, "F1")} MiB")));
        Console.WriteLine();

        Row? Find(string run, string target) => rows.FirstOrDefault(r => r.Run == run && r.Target == target);
        void Ratio(string label, Row? a, Row? b)
        {
            if (a is null || b is null)
            {
                return;
            }

            Console.WriteLine($"{label,-34} throughput {F(a.Result.RequestsPerSecond / b.Result.RequestsPerSecond)}x   p50 {F(a.Result.P50Ms / b.Result.P50Ms)}x   p99 {F(a.Result.P99Ms / b.Result.P99Ms)}x   CPU/req {F(a.CpuUsPerRequest / b.CpuUsPerRequest)}x");
        }

        Ratio("Evertoken / bare YARP", Find("throughput", "Evertoken proxy"), Find("throughput", "bare YARP"));
        Ratio("Evertoken, OTel off / bare YARP", Find("throughput", "Evertoken proxy, OTel off"), Find("throughput", "bare YARP"));
        Ratio("Evertoken / nginx", Find("throughput", "Evertoken proxy"), Find("throughput", "nginx"));
        Ratio("bare YARP / nginx", Find("throughput", "bare YARP"), Find("throughput", "nginx"));
        Ratio("Evertoken / upstream direct", Find("throughput", "Evertoken proxy"), Find("throughput", "upstream direct"));
        Ratio("token reads / plain JSON", Find("token reads", "GET /v1/tokens/{name}/value"), Find("token reads", "plain Kestrel JSON"));
        var fixedRun = $"fixed {settings.Rate}/s";
        foreach (var baseline in new[] { "upstream direct", "bare YARP" })
        {
            if (Find(fixedRun, "Evertoken proxy") is { } e && Find(fixedRun, baseline) is { } b)
            {
                Console.WriteLine($"{"added latency at " + settings.Rate + "/s vs " + baseline,-34} p50 {F(e.Result.P50Ms - b.Result.P50Ms, "+0.00;-0.00")} ms   p99 {F(e.Result.P99Ms - b.Result.P99Ms, "+0.00;-0.00")} ms");
            }
        }

        if (!double.IsNaN(keeperRate))
        {
            Console.WriteLine($"{"TokenKeeper.GetAsync / dictionary",-34} {F(keeperRate / dictionaryRate)}x");
        }
    }

    private static bool OnPath(string program) => Which(program) is not null;

    /// <summary>The full path of a program on PATH (or in /usr/sbin, where Debian puts nginx), or null.</summary>
    public static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    private sealed record Row(string Run, string Target, ChildServer Server, LoadResult Result, double CpuUsPerRequest, int Rounds = 1);
}
