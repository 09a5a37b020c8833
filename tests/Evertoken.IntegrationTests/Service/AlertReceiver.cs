using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Evertoken.IntegrationTests.Sinks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Evertoken.IntegrationTests.Service;

/// <summary>A loopback endpoint standing for the operator's alert webhook (<c>Alerts:WebhookUrl</c>); keeps every body.</summary>
internal sealed class AlertReceiver : IAsyncDisposable
{
    private readonly LoopbackApp _app;

    private AlertReceiver(LoopbackApp app, ConcurrentQueue<JsonObject> received)
    {
        _app = app;
        Received = received;
    }

    public ConcurrentQueue<JsonObject> Received { get; }

    public Uri Url => new(_app.BaseAddress, "alerts");

    public IReadOnlyList<JsonObject> OfKind(string kind) => [.. Received.Where(a => (string?)a["kind"] == kind)];

    public static async Task<AlertReceiver> StartAsync()
    {
        var received = new ConcurrentQueue<JsonObject>();
        var app = await LoopbackApp.StartAsync(web => web.MapPost("/alerts", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body);
            received.Enqueue(body!.AsObject());
            return Results.Ok();
        }));
        return new AlertReceiver(app, received);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
