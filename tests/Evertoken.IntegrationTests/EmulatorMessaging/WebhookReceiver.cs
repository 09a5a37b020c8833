using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

/// <summary>
/// A webhook endpoint on 127.0.0.1 for one test: answers Meta's verification GET, records every POST with its raw
/// bytes, checks <c>X-Hub-Signature-256</c> with the app secret (computed here, independently of the emulator), and can
/// be told to fail the next N posts with 500.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _posts = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly byte[] _secret;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, Uri url, string secret, string? verifyToken)
    {
        _app = app;
        Url = url;
        _secret = Encoding.UTF8.GetBytes(secret);
        VerifyToken = verifyToken;
    }

    /// <summary>The callback URL, e.g. <c>http://127.0.0.1:41234/webhook</c>.</summary>
    public Uri Url { get; }

    public string? VerifyToken { get; }

    public int Handshakes { get; private set; }

    /// <summary>Every POST received, failed ones included, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Posts => [.. _posts];

    /// <summary>The POSTs answered 200.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted => [.. _posts.Where(p => p.AnsweredStatus == 200)];

    /// <summary>Answer the next <paramref name="count"/> posts with 500.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    public static async Task<WebhookReceiver> StartAsync(string appSecret, string? verifyToken = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapGet("/webhook", (HttpContext http) => receiver!.Verify(http.Request.Query));
        app.MapPost("/webhook", (Func<HttpContext, Task<IResult>>)(http => receiver!.ReceiveAsync(http)));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver = new WebhookReceiver(app, new Uri(address.TrimEnd('/') + "/webhook"), appSecret, verifyToken);
        return receiver;
    }

    /// <summary>Waits (with a deadline) until at least <paramref name="count"/> posts arrived.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForPostsAsync(int count, TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            while (_posts.Count < count)
            {
                await _arrived.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Expected {count} webhook posts, got {_posts.Count}.");
        }

        return Posts;
    }

    /// <summary>Waits until at least <paramref name="count"/> posts were answered 200.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAcceptedAsync(int count)
    {
        await Poll.UntilAsync(() => Accepted.Count >= count, $"{count} accepted webhook posts");
        return Accepted;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private IResult Verify(IQueryCollection query)
    {
        Handshakes++;
        return query["hub.mode"] == "subscribe" && VerifyToken is not null && query["hub.verify_token"] == VerifyToken
            ? Results.Text(query["hub.challenge"].ToString())
            : Results.StatusCode(403);
    }

    private async Task<IResult> ReceiveAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, body));
        var signature = http.Request.Headers["X-Hub-Signature-256"].ToString();
        var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? 500 : 200;
        _posts.Enqueue(new ReceivedWebhook(body, signature, http.Request.Headers["X-Hub-Signature"].ToString(), signature == expected, status));
        _arrived.Release();
        return Results.StatusCode(status);
    }
}

/// <summary>One POST: raw bytes, the signature headers, whether the SHA-256 signature matched, what was answered.</summary>
internal sealed record ReceivedWebhook(byte[] Body, string Signature256, string Signature1, bool SignatureValid, int AnsweredStatus)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public JsonObject Value => Json["entry"]![0]!["changes"]![0]!["value"]!.AsObject();

    /// <summary>The first status object, for status webhooks.</summary>
    public JsonObject Status => Value["statuses"]![0]!.AsObject();

    public string StatusName => Status["status"]!.GetValue<string>();

    public JsonObject Message => Value["messages"]![0]!.AsObject();
}
