namespace Evertoken.Server.Hosting;

/// <summary>How to build the server: from the command line (<c>serve</c>), the sandbox, or a test.</summary>
public sealed class ServerSettings
{
    /// <summary>Command-line arguments passed to configuration (<c>--Graph:BaseUrl=...</c> style).</summary>
    public string[] Args { get; init; } = [];

    /// <summary>Addresses to listen on. Default <c>http://127.0.0.1:5000</c>.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5000";

    /// <summary>Configuration values that override files and environment (tests and the sandbox).</summary>
    public IReadOnlyDictionary<string, string?> Config { get; init; } = new Dictionary<string, string?>();

    /// <summary>The clock (the sandbox shares the emulator's).</summary>
    public TimeProvider? Time { get; init; }

    /// <summary>Last-minute service changes (tests).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Where to print first-run secrets (the generated admin key and password). Default standard output.</summary>
    public TextWriter? Announce { get; init; }

    /// <summary>Minimum log level for the console. Default Information.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>Extra logging providers (tests capture logs).</summary>
    public ILoggerProvider? LoggerProvider { get; init; }
}
