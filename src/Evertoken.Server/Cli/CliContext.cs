using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.Graph;
using Evertoken.Sinks;
using Evertoken.Storage;
using Spectre.Console;

namespace Evertoken.Server.Cli;

/// <summary>
/// Everything one command invocation needs: resolved settings (options, environment, <c>./.env</c>), the console,
/// logging, and factories for the Graph client and the store.
/// </summary>
public sealed class CliContext : IDisposable
{
    /// <summary>Token variable names people already use, in the order they are looked up.</summary>
    public static readonly string[] TokenVariables = ["WHATSAPP_ACCESS_TOKEN", "ACCESS_TOKEN", "SYSTEM_USER_ACCESS_TOKEN"];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,

        // Console output, not HTML: keep "…" and "→" readable instead of \u2026 escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly Lazy<IReadOnlyDictionary<string, string>> _dotEnv;
    private SqliteTokenStore? _store;

    /// <summary>Creates the context of one invocation.</summary>
    public CliContext(ParseResult parseResult, CliHost host)
    {
        Host = host;
        Json = parseResult.GetValue(GlobalOptions.Json);
        var verbose = parseResult.GetValue(GlobalOptions.Verbose);
        _dotEnv = new(() => DotEnvReader.Read(Path.Combine(host.WorkingDirectory, ".env")));

        GraphUrl = (parseResult.GetValue(GlobalOptions.GraphUrl) ?? Lookup("EVERTOKEN__GRAPH__BASEURL")) is { } url
            ? ParseUrl(url)
            : new Uri("https://graph.facebook.com/");
        GraphVersion = parseResult.GetValue(GlobalOptions.GraphVersion) ?? Lookup("EVERTOKEN__GRAPH__VERSION") ?? "v25.0";
        DataDir = parseResult.GetValue(GlobalOptions.DataDir) ?? host.Env("EVERTOKEN_DATA");

        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b
            .SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Warning)
            .AddProvider(new TextWriterLoggerProvider(host.Error, verbose ? LogLevel.Debug : LogLevel.Warning)));

        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = host.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = host.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(host.Out),
            Interactive = host.Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!host.Interactive)
        {
            Console.Profile.Width = 160;
        }
    }

    /// <summary>The process (or test) host.</summary>
    public CliHost Host { get; }

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json { get; }

    /// <summary>The Graph base URL.</summary>
    public Uri GraphUrl { get; }

    /// <summary>The Graph version.</summary>
    public string GraphVersion { get; }

    /// <summary>The data folder given by option or environment, or null for the default.</summary>
    public string? DataDir { get; }

    /// <summary>Logging to standard error.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Standard output as a Spectre console.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Looks a setting up in the environment, then in <c>./.env</c>; the first name found wins.</summary>
    public string? Lookup(params string[] names)
    {
        foreach (var name in names)
        {
            if (Host.Env(name) is { } value)
            {
                return value;
            }
        }

        foreach (var name in names)
        {
            if (_dotEnv.Value.TryGetValue(name, out var value) && value.Length > 0)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>
    /// The token to work on: the argument, standard input for <c>-</c>, else the usual variables from the
    /// environment or <c>./.env</c>. Throws <see cref="UsageException"/> when there is none.
    /// </summary>
    public string ResolveToken(string? argument)
    {
        string? token = argument switch
        {
            "-" => Host.In.ReadToEnd(),
            { Length: > 0 } => argument,
            _ => Lookup(TokenVariables),
        };
        token = token?.Trim().Trim('"', '\'');
        return string.IsNullOrEmpty(token)
            ? throw new UsageException("No token given: pass it as an argument, '-' to read it from standard input, or set WHATSAPP_ACCESS_TOKEN in the environment or ./.env.")
            : token;
    }

    /// <summary>A Graph client for the configured URL and version.</summary>
    public GraphClient CreateGraphClient() => GraphClient.Create(GraphUrl, GraphVersion, handler: null, time: Host.Time);

    /// <summary>The data folder in force: <c>--data-dir</c>, <c>EVERTOKEN_DATA</c>, or the XDG default.</summary>
    public string DataFolder => DataDir ?? EvertokenPaths.GetDataFolder(Host.Env);

    /// <summary>
    /// Opens (and creates on first use) the encrypted SQLite store in the data folder. The master key comes from
    /// <c>EVERTOKEN_MASTER_KEY</c>, else the key file beside the database (created owner-only on first use).
    /// </summary>
    public async Task<ITokenStore> OpenStoreAsync(CancellationToken cancellationToken)
    {
        if (_store is not null)
        {
            return _store;
        }

        var folder = DataFolder;
        Directory.CreateDirectory(folder);
        var keyOptions = MasterKeyOptions.FromEnvironment(Host.Env);

        // FromEnvironment puts the key file in the environment's data folder; --data-dir must move it too.
        keyOptions.KeyFile = Path.Combine(folder, EvertokenPaths.MasterKeyFileName);
        var key = MasterKeyProvider.Load(keyOptions);
        if (key.Source == MasterKeySource.CreatedKeyFile)
        {
            Host.Error.WriteLine($"Created a new master key in {key.KeyFile}. Back it up: without it the store cannot be read.");
        }

        _store = await SqliteTokenStore.OpenAsync(Path.Combine(folder, EvertokenPaths.DatabaseFileName), key.Protector, Host.Time, cancellationToken);
        return _store;
    }

    /// <summary>Writes a value as JSON (snake_case, enums as strings).</summary>
    public void WriteJson<T>(T value) => Host.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>Writes an error line to standard error.</summary>
    public void WriteError(string message) => Host.Error.WriteLine($"error: {message}");

    /// <inheritdoc />
    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        LoggerFactory.Dispose();
    }

    private static Uri ParseUrl(string value) =>
        Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"The Graph URL is not an http(s) URL: {value}");
}
