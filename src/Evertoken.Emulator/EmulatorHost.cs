using System.Net;
using Evertoken.Emulator.Internal;
using Evertoken.Emulator.Netlify;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Evertoken.Emulator;

/// <summary>
/// The emulator running on Kestrel over loopback: Meta's Graph token and WhatsApp account endpoints plus the control
/// API and a fake Netlify API (<see cref="Netlify"/>), serving one <see cref="EmulatorState"/>. Used in-process by tests and <c>evertoken sandbox</c>.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _shutdownTimeout;

    private EmulatorHost(WebApplication app, EmulatorState state, Uri baseUrl, TimeSpan shutdownTimeout)
    {
        _app = app;
        State = state;
        BaseUrl = baseUrl;
        _shutdownTimeout = shutdownTimeout;
    }

    /// <summary>Where the emulator listens, with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The world it serves.</summary>
    public EmulatorState State { get; }

    /// <summary>The emulator clock (same as <c>State.Clock</c>).</summary>
    public EmulatorClock Clock => State.Clock;

    /// <summary>The seeded sample world.</summary>
    /// <exception cref="InvalidOperationException">When the host was started with <see cref="EmulatorOptions.SeedSample"/> off.</exception>
    public SampleWorld Sample => State.Sample ?? throw new InvalidOperationException("The emulator was started without the sample world (SeedSample = false).");

    /// <summary>The fake Netlify API served under <c>/netlify/</c> (same as <c>State.Netlify</c>).</summary>
    public NetlifyFake Netlify => State.Netlify;

    /// <summary>The recorded Graph calls (same as <c>GET /_emulator/calls</c>).</summary>
    public IReadOnlyList<RecordedCall> Calls => State.Calls;

    /// <summary>Starts an emulator and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">When <see cref="EmulatorOptions.Host"/> is not an IP address or localhost.</exception>
    /// <exception cref="IOException">When the port cannot be bound.</exception>
    public static async Task<EmulatorHost> StartAsync(EmulatorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        var address = options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new ArgumentException($"Host '{options.Host}' is not an IP address or localhost.", nameof(options));

        var state = new EmulatorState(new EmulatorClock(options.BaseTime, options.ClockSpeed));
        if (options.SeedSample)
        {
            state.SeedSample();
            state.SeedNetlifySample();
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        if (options.EnableLogging)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, options.Port));
        builder.Services.AddSingleton(state);
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);

        var app = builder.Build();
        app.MapEmulator(state, options.ConfigureGraph);
        // The Netlify fake rides along so a sandbox or test can point a Netlify sink at the same host.
        app.MapNetlifyFake(state.Netlify);
        options.ConfigureEndpoints?.Invoke(app, state);
        await app.StartAsync(ct);

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmulatorHost(app, state, new Uri(bound.TrimEnd('/') + "/"), options.ShutdownTimeout);
    }

    /// <summary>Stops listening and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(_shutdownTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Calls still held (a timeout fault whose client never gave up) are cut off.
            }
        }

        await _app.DisposeAsync();
    }

    /// <inheritdoc />
    public override string ToString() => $"Evertoken emulator at {BaseUrl}";
}
