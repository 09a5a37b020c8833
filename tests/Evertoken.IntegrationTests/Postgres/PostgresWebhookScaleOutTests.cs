using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// Three <c>evertoken serve</c> processes on one PostgreSQL schema receive a burst of signed webhooks, each posted to
/// an instance at random and some posted a second time to another instance; one instance is killed with -9 mid-burst
/// and whatever it did not answer is posted again to a survivor, as Meta retries. Every payload that got a 200 must be
/// stored, each event once, and relayed to the test's receiver by the survivors.
/// </summary>
[Collection(nameof(PostgresScaleOut))]
public sealed class PostgresWebhookScaleOutTests : IAsyncLifetime
{
    private const string AppSecret = "scale-out-app-secret-0123456789";
    private const int Unique = 600;
    private const int Duplicates = 150;
    private const int Concurrency = 24;

    private readonly List<ServerProcess> _servers = [];
    private PostgresCluster _cluster = null!;
    private WebApplication? _receiverApp;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _cluster = await PostgresCluster.CreateAsync(TokenLifetime.SixtyDays, Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        if (_receiverApp is not null)
        {
            await _receiverApp.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_burst_over_three_processes_with_duplicates_and_a_kill_stores_every_acknowledged_payload_once_and_relays_it()
    {
        var receiver = await StartReceiverAsync();
        for (var i = 0; i < 3; i++)
        {
            _servers.Add(ServerProcess.Start(Environment(receiver.Url)));
        }

        await Task.WhenAll(_servers.Select(s => s.WaitReadyAsync(Ct)));
        var victim = _servers[0];
        var killAfter = Unique / 3;

        // Each unique payload once, plus a second copy of some of them to a different instance; shuffled.
        var random = new Random(1234);
        var jobs = Enumerable.Range(0, Unique).Select(n => (N: n, Server: random.Next(3))).ToList();
        jobs.AddRange(jobs.Take(Duplicates).Select(j => (j.N, Server: (j.Server + 1 + random.Next(2)) % 3)).ToList());
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(jobs));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var acknowledged = new ConcurrentBag<(int N, int Server)>();
        var refused = 0;
        var next = -1;
        var acks = 0;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < jobs.Count)
            {
                var (n, server) = jobs[i];
                // Meta's retry: a post that got no 200 goes again, to an instance still alive.
                while (!await PostAsync(http, _servers[server], n))
                {
                    Interlocked.Increment(ref refused);
                    server = 1 + Random.Shared.Next(2);
                }

                acknowledged.Add((n, server));
                if (Interlocked.Increment(ref acks) == killAfter)
                {
                    victim.Kill();
                    killed.SetResult();
                }
            }
        }, Ct)));

        killed.Task.IsCompleted.ShouldBeTrue();
        var victimAcknowledged = acknowledged.Where(a => a.Server == 0).Select(a => a.N).Distinct().ToList();
        victimAcknowledged.ShouldNotBeEmpty("the killed instance answered some webhooks before it died");
        acknowledged.Count.ShouldBe(Unique + Duplicates);
        refused.ShouldBeGreaterThan(0, "posts to the killed instance were refused and posted again");

        // Stored: every acknowledged event once (a unique dedup key across instances); every append kept for audit.
        var wamids = await ColumnAsync("SELECT wamid FROM webhook_events");
        wamids.Count.ShouldBe(Unique);
        wamids.Distinct().Count().ShouldBe(Unique);
        wamids.ShouldBeSubsetOf(Enumerable.Range(0, Unique).Select(Wamid));
        victimAcknowledged.Select(Wamid).ShouldBeSubsetOf(wamids);
        var payloads = await ScalarAsync("SELECT COUNT(*) FROM webhook_payloads");
        var duplicateCount = await ScalarAsync("SELECT COALESCE(SUM(duplicate_count), 0) FROM webhook_events");
        payloads.ShouldBe(Unique + duplicateCount, "each stored append is one new event or one counted redelivery");
        payloads.ShouldBeGreaterThanOrEqualTo(Unique + Duplicates);

        // Relayed by the survivors: every event reaches the receiver, the killed instance's leases included.
        await Poll.UntilAsync(() => Task.FromResult(receiver.Wamids.Count == Unique),
            $"every payload relayed (so far {receiver.Wamids.Count} of {Unique})", TimeSpan.FromSeconds(120));
        await Poll.UntilAsync(async () => await ScalarAsync("SELECT COUNT(*) FROM webhook_relay_deliveries WHERE state <> 'delivered'") == 0,
            "every delivery marked delivered");
        (await ScalarAsync("SELECT COUNT(*) FROM webhook_relay_deliveries")).ShouldBe(Unique, "one delivery per payload with new events");
        receiver.Overlaps.ShouldBe(0, "a payload was being delivered by two relays at once");
        receiver.Wamids.Keys.Order(StringComparer.Ordinal).ShouldBe(Enumerable.Range(0, Unique).Select(Wamid).Order(StringComparer.Ordinal));
        foreach (var survivor in _servers.Skip(1))
        {
            survivor.HasExited.ShouldBeFalse(survivor.Output);
        }
    }

    private Dictionary<string, string> Environment(Uri receiverUrl)
    {
        var config = _cluster.Config(_cluster.NewFolder());
        config["Webhooks:AppSecrets:0"] = AppSecret;
        config["Webhooks:Relay:0:Name"] = "app";
        config["Webhooks:Relay:0:Url"] = new Uri(receiverUrl, "hook").ToString();
        config["Webhooks:Relay:0:Secret"] = "relay-secret-0123456789";
        // A killed instance's leases run out in seconds here (default 2 minutes).
        config["Webhooks:Retry:Lease"] = "00:00:06";
        config["Webhooks:Retry:Timeout"] = "00:00:03";
        config["Webhooks:Retry:InitialDelay"] = "00:00:01";
        var environment = config.Where(kv => kv.Key != "MasterKey:Key")
            .ToDictionary(kv => "EVERTOKEN__" + kv.Key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant(), kv => kv.Value!);
        environment["EVERTOKEN_MASTER_KEY"] = _cluster.MasterKey;
        return environment;
    }

    // True only for a 200: anything else (refused, reset, an error status) is a delivery Meta would retry.
    private static async Task<bool> PostAsync(HttpClient http, ServerProcess server, int n)
    {
        var body = Body(n);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "webhooks/whatsapp"))
        {
            Content = new ByteArrayContent(body) { Headers = { { "Content-Type", "application/json" } } },
        };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(body, AppSecret));
        try
        {
            using var response = await http.SendAsync(request, Ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static string Wamid(int n) => $"wamid.SCALE{n:D6}";

    // Eight conversations (phone numbers), so the relays have several queues to work at once.
    private static byte[] Body(int n) => Encoding.UTF8.GetBytes($$$"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
         "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"10654035224{{{n % 8:D4}}}"},
         "messages":[{"from":"15550001111","id":"{{{Wamid(n)}}}","timestamp":"{{{1750000000 + n}}}","type":"text","text":{"body":"hello {{{n}}}"}}]}}]}]}
        """);

    private async Task<long> ScalarAsync(string sql) => Convert.ToInt64(await _cluster.Database.ScalarAsync(sql, Ct), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<List<string>> ColumnAsync(string sql)
    {
        await using var command = _cluster.Database.DataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var values = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    private async Task<Receiver> StartReceiverAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver();
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var payloadId = request.Headers[WebhookRelay.PayloadIdHeader].ToString();
            if (!receiver.InFlight.TryAdd(payloadId, 0))
            {
                Interlocked.Increment(ref receiver.Overlaps);
            }

            try
            {
                using var reader = new StreamReader(request.Body, Encoding.UTF8);
                var node = JsonNode.Parse(await reader.ReadToEndAsync())!;
                var wamid = node["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!["id"]!.GetValue<string>();
                receiver.Wamids.AddOrUpdate(wamid, 1, (_, count) => count + 1);
                return Results.Ok();
            }
            finally
            {
                receiver.InFlight.TryRemove(payloadId, out _);
            }
        });
        await app.StartAsync(Ct);
        _receiverApp = app;
        receiver.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    private sealed class Receiver
    {
        public int Overlaps;

        public Uri Url { get; set; } = null!;

        public ConcurrentDictionary<string, int> Wamids { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, byte> InFlight { get; } = new(StringComparer.Ordinal);
    }
}
