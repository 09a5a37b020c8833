namespace Evertoken.Server.Cli;

/// <summary>
/// What a CLI run talks to: its output streams, standard input, environment variables and working folder.
/// The real process uses <see cref="FromProcess"/>; tests pass their own to capture output.
/// </summary>
public sealed class CliHost
{
    /// <summary>Standard output.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: logs and error messages.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input.</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Environment variables.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The folder where <c>.env</c> is looked for.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>True when output goes to a terminal (colours and tables); false in tests and pipes.</summary>
    public bool Interactive { get; init; }

    /// <summary>The host of the running process.</summary>
    public static CliHost FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        Environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
        WorkingDirectory = Directory.GetCurrentDirectory(),
        Interactive = !Console.IsOutputRedirected,
    };

    /// <summary>An environment variable, or null when unset or empty.</summary>
    public string? Env(string name) => Environment.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}
