using System.Globalization;

namespace Evertoken.Bench.Proxy;

/// <summary>How long and how hard each target is driven.</summary>
internal sealed record BenchSettings
{
    /// <summary>Seconds of each measured wrk run. Default 10.</summary>
    public int Duration { get; init; } = 10;

    /// <summary>
    /// Seconds of the unmeasured wrk run before each target (JIT, pools). Default 8: .NET's tiered compilation with
    /// dynamic PGO takes seconds of load to reach its final code; a 2-second warm-up measured half-compiled servers
    /// (bare YARP's CPU per request fell from ~150 to ~60 µs between its first and third run).
    /// </summary>
    public int Warmup { get; init; } = 8;

    /// <summary>wrk threads. Default 2 (a 2-core box).</summary>
    public int Threads { get; init; } = 2;

    /// <summary>wrk connections. Default 32.</summary>
    public int Connections { get; init; } = 32;

    /// <summary>
    /// Interleaved rounds of every measured run (A, B, C, then A, B, C again...); each row printed is the target's
    /// median round. Default 3: this box's neighbours and CPU steal move a single 10-second run by 10–20%, in either
    /// direction, so one run per target could rank two proxies either way. Only the first round warms up for
    /// <see cref="Warmup"/> seconds; later ones for 2.
    /// </summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Requests per second of the fixed-rate run. Default 1000.</summary>
    public int Rate { get; init; } = 1000;

    /// <summary>
    /// <c>--only reads</c> runs just the token-read rows (the value endpoint vs the plain JSON endpoint) with only the two
    /// servers they need: a minute instead of four when working on that endpoint. Default false: every phase.
    /// </summary>
    public bool OnlyReads { get; init; }

    public static BenchSettings Parse(string[] args)
    {
        var settings = new BenchSettings();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--only")
            {
                settings = args[i + 1] == "reads" ? settings with { OnlyReads = true } : throw new ArgumentException($"Unknown phase {args[i + 1]}: --only takes reads.");
                continue;
            }

            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            settings = args[i] switch
            {
                "--duration" => settings with { Duration = value },
                "--warmup" => settings with { Warmup = value },
                "--threads" => settings with { Threads = value },
                "--connections" => settings with { Connections = value },
                "--rate" => settings with { Rate = value },
                "--rounds" => settings with { Rounds = Math.Max(1, value) },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return settings;
    }
}
