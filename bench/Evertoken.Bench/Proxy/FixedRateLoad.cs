using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Evertoken.Bench.Proxy;

/// <summary>
/// An open-model load at a fixed rate (what wrk2's <c>-R</c> does; wrk2 is not packaged in Debian and wrk 4 has no
/// <c>-R</c>): request i is due at start + i/rate whatever happened before, and its latency is measured from that due
/// time, so a server that stalls is charged for the queue it causes (no coordinated omission).
/// </summary>
internal static class FixedRateLoad
{
    public static async Task<LoadResult> RunAsync(Uri url, int rate, int seconds, string? bearer)
    {
        using var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        });
        var total = rate * seconds;
        var latencies = new double[total];
        var failures = 0;
        var inflight = new List<Task>(total);
        var clock = Stopwatch.StartNew();
        var ticksPerRequest = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var sent = 0;
        while (sent < total)
        {
            // Fire everything due by now (timers on Linux wake about every millisecond, so small batches catch up).
            var due = Math.Min(total, (int)((Stopwatch.GetTimestamp() - start) / ticksPerRequest) + 1);
            for (; sent < due; sent++)
            {
                var index = sent;
                var dueAt = start + (long)(index * ticksPerRequest);
                inflight.Add(SendOneAsync(index, dueAt));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(inflight);
        var elapsed = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        double At(double q) => latencies[Math.Min(total - 1, (int)Math.Ceiling(q * total) - 1)];
        return new LoadResult(total / elapsed, At(0.50), At(0.99), total, failures, P90Ms: At(0.90), P999Ms: At(0.999), MaxMs: latencies[^1]);

        async Task SendOneAsync(int index, long dueAt)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            try
            {
                using var response = await client.SendAsync(request, CancellationToken.None);
                await response.Content.CopyToAsync(Stream.Null);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failures);
                }
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref failures);
            }

            latencies[index] = Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds;
        }
    }
}
