using System.Diagnostics;
using System.Globalization;
using System.Net;
using Evertoken.Hosting;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.Bench;

/// <summary>
/// What <c>AddEvertokenHandler</c> adds to each request, measured against the same <see cref="HttpClient"/> without it
/// in the same run: (1) over loopback HTTP to a local Kestrel upstream that answers like Graph's phone-number node
/// (latency p50/p99 of sequential calls, requests/s with concurrent callers, bytes allocated per request in the
/// process), and (2) the handler alone over an in-memory terminal handler (time and bytes per call on one thread).
/// Bounded: a fixed number of requests, all to 127.0.0.1. Usage: <c>handler [--requests N] [--concurrency C] [--rounds R]</c>.
/// </summary>
public static class HandlerBench
{
    private const string TokenName = "bench";
    private const string PhoneNumberId = "106540352242922";
    private const string AppSecret = "0123456789abcdef0123456789abcdef";
    private static readonly string TokenValue = "EAAbench" + new string('x', 180);
    private const string AnswerJson = """{"id":"106540352242922","display_phone_number":"+1 555-0100","verified_name":"Evertoken Bench","quality_rating":"GREEN"}""";

    /// <summary>Runs the benchmark and prints the table; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Option(args, "--requests", 20_000);
        var concurrency = Option(args, "--concurrency", 32);
        var rounds = Option(args, "--rounds", 3);
        if (requests < 100 || concurrency < 1 || rounds < 1)
        {
            Console.Error.WriteLine("usage: handler [--requests N>=100] [--concurrency C>=1] [--rounds R>=1]");
            return 1;
        }

        await using var upstream = await StartUpstreamAsync();
        await using var services = await CreateServicesAsync(upstream.BaseUrl);
        var factory = services.GetRequiredService<IHttpClientFactory>();
        var plain = factory.CreateClient("plain");
        var handled = factory.CreateClient("handler");
        var fixedCredentials = factory.CreateClient("fixed");

        // Warm-up: JIT, connection pools, the keeper's cache.
        await SequentialAsync(plain, 500);
        await SequentialAsync(handled, 500);
        await SequentialAsync(fixedCredentials, 500);

        Console.WriteLine($"Evertoken TokenHandler benchmark: {requests} requests per measurement, {concurrency} concurrent callers, {rounds} rounds, {Environment.ProcessorCount} cores");
        var clients = new[] { plain, fixedCredentials, handled };
        var runs = clients.Select(_ => new List<Measurement>()).ToArray();
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order so no client always runs on a warmer (or busier) machine.
            for (var i = 0; i < clients.Length; i++)
            {
                var which = (i + round) % clients.Length;
                runs[which].Add(await MeasureAsync(clients[which], requests, concurrency));
            }
        }

        var p = Measurement.Median(runs[0]);
        var f = Measurement.Median(runs[1]);
        var h = Measurement.Median(runs[2]);
        Console.WriteLine();
        Console.WriteLine("Loopback HTTP to a local Kestrel upstream (median of rounds; bytes include the in-process server, the same for both)");
        Console.WriteLine($"{"",-22}{"requests/s",14}{"p50 µs",10}{"p99 µs",10}{"bytes/req",12}");
        Print("HttpClient", p);
        Print("+ fixed credentials", f);
        Print("+ TokenHandler", h);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"ratio (handler/plain)",-22}{h.RequestsPerSecond / p.RequestsPerSecond,14:0.000}{h.P50Micros / p.P50Micros,10:0.000}{h.P99Micros / p.P99Micros,10:0.000}{h.BytesPerRequest / p.BytesPerRequest,12:0.000}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"added per request: {h.P50Micros - p.P50Micros:0.0} µs at p50, {h.BytesPerRequest - p.BytesPerRequest:0} bytes; " +
            $"of which the bigger request itself (same header and proof, set by a fixed handler): {f.P50Micros - p.P50Micros:0.0} µs, {f.BytesPerRequest - p.BytesPerRequest:0} bytes"));

        var isolated = MeasureIsolated(services.GetRequiredService<ITokenKeeper>(), requests * 5);
        Console.WriteLine();
        Console.WriteLine("The handler alone, over an in-memory terminal handler (one thread, synchronous completion)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-22}{"ns/call",14}{"bytes/call",12}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"terminal only",-22}{isolated.BaselineNanos,14:0}{isolated.BaselineBytes,12:0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"handler + terminal",-22}{isolated.HandlerNanos,14:0}{isolated.HandlerBytes,12:0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"added per call: {isolated.HandlerNanos - isolated.BaselineNanos:0} ns, {isolated.HandlerBytes - isolated.BaselineBytes:0} bytes"));
        return 0;
    }

    private static void Print(string label, Measurement m) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-22}{m.RequestsPerSecond,14:0}{m.P50Micros,10:0.0}{m.P99Micros,10:0.0}{m.BytesPerRequest,12:0}"));

    private static async Task<Measurement> MeasureAsync(HttpClient client, int requests, int concurrency)
    {
        // Latency: one caller, so queueing does not hide the per-request cost.
        var latencies = await SequentialAsync(client, requests / 4);
        Array.Sort(latencies);

        // Throughput and allocations: concurrent callers sharing a fixed number of requests.
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var next = -1;
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < requests)
            {
                await CallAsync(client);
            }
        });
        await Task.WhenAll(workers);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        return new Measurement(
            requests / clock.Elapsed.TotalSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            (double)allocated / requests);
    }

    private static async Task<double[]> SequentialAsync(HttpClient client, int count)
    {
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await CallAsync(client);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        return latencies;
    }

    private static async Task CallAsync(HttpClient client)
    {
        using var response = await client.GetAsync(PhoneNumberId + "?fields=id,display_phone_number", HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The upstream answered {(int)response.StatusCode}.");
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private static IsolatedResult MeasureIsolated(ITokenKeeper keeper, int calls)
    {
        using var terminal = new CannedHandler();
        using var baseline = new HttpMessageInvoker(terminal, disposeHandler: false);
        using var handled = new HttpMessageInvoker(new Http.TokenHandler(keeper, TokenName) { InnerHandler = terminal }, disposeHandler: false);
        var uri = new Uri($"http://127.0.0.1/v25.0/{PhoneNumberId}?fields=id,display_phone_number");
        Run(baseline, uri, calls / 10);
        Run(handled, uri, calls / 10);
        var (baseNanos, baseBytes) = Run(baseline, uri, calls);
        var (handlerNanos, handlerBytes) = Run(handled, uri, calls);
        return new IsolatedResult(baseNanos, baseBytes, handlerNanos, handlerBytes);
    }

    private static (double Nanos, double Bytes) Run(HttpMessageInvoker invoker, Uri uri, int calls)
    {
        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < calls; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            var task = invoker.SendAsync(request, CancellationToken.None);
            if (!task.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("The isolated pipeline should complete synchronously.");
            }

            task.Result.Dispose();
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return (elapsed.TotalNanoseconds / calls, (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / calls);
    }

    private static async Task<ServiceProvider> CreateServicesAsync(Uri upstream)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddEvertoken(o =>
        {
            o.Store = StoreKind.InMemory;
            o.Graph.BaseUrl = upstream;
        });
        // Same connection settings for both clients; only the handler differs.
        services.AddHttpClient("plain").ConfigureGraphBaseAddress();
        services.AddHttpClient("handler").ConfigureGraphBaseAddress().AddEvertokenHandler(TokenName);
        // The same bytes on the wire as the TokenHandler's, from constants: separates the handler's work from the request's size.
        services.AddHttpClient("fixed").ConfigureGraphBaseAddress()
            .AddHttpMessageHandler(() => new FixedCredentialsHandler("Bearer " + TokenValue, "appsecret_proof=" + Graph.AppSecretProof.Compute(AppSecret, TokenValue)));
        var provider = services.BuildServiceProvider();

        // A never-expiring system-user token with its app secret: the handler adds bearer + appsecret_proof and never renews.
        var store = provider.GetRequiredService<ITokenStore>();
        await store.UpsertAppAsync(new StoredApp("1234567890", AppSecret, "bench"));
        await store.AddTokenAsync(new NewManagedToken
        {
            Name = TokenName,
            AppId = "1234567890",
            Version = new TokenVersionData { Value = TokenValue, Kind = TokenKind.SystemUser, ExpiresAt = null, Source = "bench" },
        });
        return provider;
    }

    private static async Task<Upstream> StartUpstreamAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var body = System.Text.Encoding.UTF8.GetBytes(AnswerJson);
        app.MapGet("/{version}/{id}", async (HttpContext http) =>
        {
            http.Response.ContentType = "application/json; charset=UTF-8";
            await http.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Upstream(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private sealed record Measurement(double RequestsPerSecond, double P50Micros, double P99Micros, double BytesPerRequest)
    {
        public static Measurement Median(List<Measurement> runs) => new(
            MedianOf(runs.Select(r => r.RequestsPerSecond)),
            MedianOf(runs.Select(r => r.P50Micros)),
            MedianOf(runs.Select(r => r.P99Micros)),
            MedianOf(runs.Select(r => r.BytesPerRequest)));

        private static double MedianOf(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }
    }

    private sealed record IsolatedResult(double BaselineNanos, double BaselineBytes, double HandlerNanos, double HandlerBytes);

    private sealed class Upstream(WebApplication app, Uri baseUrl) : IAsyncDisposable
    {
        public Uri BaseUrl { get; } = baseUrl;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Puts constant credentials on each request, the way the TokenHandler's fast path does.</summary>
    private sealed class FixedCredentialsHandler(string authorization, string proofParameter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.RequestUri = new Uri(request.RequestUri!.OriginalString + "&" + proofParameter);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>Answers every request at once with a new 200 (as a socket handler would), completing synchronously.</summary>
    private sealed class CannedHandler : HttpMessageHandler
    {
        private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(AnswerJson);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request });
    }
}
