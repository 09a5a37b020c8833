namespace Evertoken.Emulator;

/// <summary>How <see cref="EmulatorHost.StartAsync"/> runs the emulator.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The TCP port; 0 picks a free one. Default 0.</summary>
    public int Port { get; set; }

    /// <summary>The address to bind: an IP address or <c>localhost</c>. Default <c>127.0.0.1</c>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Seed the sample world (<see cref="SampleWorld"/>). Default true.</summary>
    public bool SeedSample { get; set; } = true;

    /// <summary>How fast emulated time runs against <see cref="BaseTime"/> (1 = real time). Default 1.</summary>
    public double ClockSpeed { get; set; } = 1;

    /// <summary>The time the emulator clock builds on, e.g. a FakeTimeProvider in tests. Default: system time.</summary>
    public TimeProvider? BaseTime { get; set; }

    /// <summary>Write ASP.NET Core logs to the console (warnings and above). Default false.</summary>
    public bool EnableLogging { get; set; }

    /// <summary>How long stopping waits for calls still running (e.g. held by a timeout fault). Default 2 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Adds Graph endpoints beside the built-in ones (messages, media...). Default none.</summary>
    public Action<GraphRouteGroup>? ConfigureGraph { get; set; }

    /// <summary>Maps any other endpoints on the emulator's host (e.g. a Netlify fake). Default none.</summary>
    public Action<IEndpointRouteBuilder, EmulatorState>? ConfigureEndpoints { get; set; }
}
