using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.WhatsApp;

namespace Evertoken.IntegrationTests.WhatsApp;

/// <summary>
/// Runs <c>evertoken serve</c> as a child process, kills it with SIGKILL in the middle of a burst of webhooks, restarts
/// it and checks that every payload that was answered 200 is in the inbox (the 200 is only sent after the commit) and
/// that its events get indexed after the restart, each once.
/// </summary>
public sealed class CrashDurabilityTests : IAsyncDisposable
{
    private const string AppSecret = "crash-test-app-secret";
    private const int Burst = 3000;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "evertoken-crash-tests", Guid.NewGuid().ToString("N"));
    private readonly string _masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<Process> _processes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_the_service_during_a_burst_loses_no_payload_that_got_a_200()
    {
        var (first, firstUrl) = await StartServeAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(30) };
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(WebhookFixtures.Folder, "webhook.message.text-message.json")))!;
        var acknowledged = new ConcurrentBag<string>();
        var killed = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, Burst), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = Ct }, async (i, ct) =>
        {
            var wamid = $"wamid.CRASH{i:D6}";
            var body = template.DeepClone();
            body["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["id"] = wamid;
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(firstUrl, "webhooks/whatsapp")) { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(bytes, AppSecret));
            try
            {
                using var response = await http.SendAsync(request, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged.Add(wamid);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                // After the kill: no answer, so Meta would retry; nothing is owed.
            }

            if (acknowledged.Count >= Burst / 3 && Interlocked.Exchange(ref killed, 1) == 0)
            {
                first.Kill(); // SIGKILL: no shutdown, no flush.
            }
        });

        killed.ShouldBe(1);
        await first.WaitForExitAsync(Ct);
        acknowledged.Count.ShouldBeGreaterThanOrEqualTo(Burst / 3);
        acknowledged.Count.ShouldBeLessThan(Burst, "the kill must land mid-burst");

        // The 200 promised the payload; its events are indexed after the commit, so some acknowledged payloads may
        // have been unindexed at the kill: the restarted service indexes them. Poll until it has (or the deadline).
        var (_, secondUrl) = await StartServeAsync();
        var watch = Stopwatch.StartNew();
        List<string> stored;
        while (true)
        {
            stored = await StoredWamidsAsync(http, secondUrl);
            if (!acknowledged.Except(stored).Any() || watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                break;
            }

            await Task.Delay(100, Ct);
        }

        acknowledged.Except(stored).ShouldBeEmpty();
        // Each event once: nothing indexed before the kill was indexed again after it.
        stored.Count.ShouldBe(stored.Distinct(StringComparer.Ordinal).Count());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }

            process.Dispose();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task<(Process Process, Uri Url)> StartServeAsync()
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Evertoken.Server.dll"), "serve", "--urls", url.ToString().TrimEnd('/'), "--data-dir", _folder })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["EVERTOKEN_MASTER_KEY"] = _masterKey;
        info.Environment["EVERTOKEN__Server__AdminApiKey"] = EvertokenTestServer.AdminKey;
        info.Environment["EVERTOKEN__Server__AdminPassword"] = "crash-test-password";
        info.Environment["EVERTOKEN__Server__RunRefreshWorker"] = "false";
        info.Environment["EVERTOKEN__Webhooks__AppSecrets__0"] = AppSecret;
        info.Environment["EVERTOKEN__Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(info)!;
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watch = Stopwatch.StartNew();
        while (true)
        {
            process.HasExited.ShouldBeFalse("evertoken serve exited at start");
            try
            {
                using var health = await probe.GetAsync(new Uri(url, "healthz"), Ct);
                if (health.IsSuccessStatusCode)
                {
                    return (process, url);
                }
            }
            catch (HttpRequestException) when (watch.Elapsed < TimeSpan.FromSeconds(90))
            {
                // Not listening yet.
            }

            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), "evertoken serve did not come up");
            await Task.Delay(100, Ct);
        }
    }

    private static async Task<List<string>> StoredWamidsAsync(HttpClient http, Uri baseUrl)
    {
        var wamids = new List<string>();
        long after = 0;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, $"v1/webhooks/events?limit=1000&after={after}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EvertokenTestServer.AdminKey);
            using var response = await http.SendAsync(request, Ct);
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
            response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToJsonString());
            foreach (var item in page["events"]!.AsArray())
            {
                wamids.Add(item!["event"]!["wamid"]!.GetValue<string>());
            }

            if (page["next_after"] is null)
            {
                return wamids;
            }

            after = page["next_after"]!.GetValue<long>();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
