using System.Collections.Concurrent;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Evertoken.BrowserTests;

/// <summary>
/// An app's webhook endpoint for the relay to post to, on loopback: <c>POST /hook</c> answers 500 until
/// <see cref="Healthy"/> is set, then 200, and keeps every body it accepted.
/// </summary>
public sealed class RelayReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile bool _healthy;

    private RelayReceiver(WebApplication app) => _app = app;

    /// <summary>The endpoint's URL.</summary>
    public Uri HookUrl { get; private set; } = null!;

    /// <summary>Attempts answered 500.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>Bodies answered 200, with the payload id header the relay sent.</summary>
    public ConcurrentQueue<(string PayloadId, byte[] Body)> Accepted { get; } = new();

    /// <summary>When true the endpoint answers 200; false (the start) 500.</summary>
    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    public static async Task<RelayReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new RelayReceiver(app);
        app.MapPost("/hook", async (HttpContext http) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            if (!receiver.Healthy)
            {
                Interlocked.Increment(ref receiver._refused);
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }

            receiver.Accepted.Enqueue((http.Request.Headers[WebhookRelay.PayloadIdHeader].ToString(), buffer.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.HookUrl = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
