using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Hosting;

/// <summary>Everything <c>services.AddEvertoken(...)</c> needs. Validated at start, every problem listed at once.</summary>
public sealed partial class EvertokenOptions
{
    /// <summary>The data folder (SQLite file, master key file). Default: <c>EVERTOKEN_DATA</c>, else
    /// <c>$XDG_DATA_HOME/evertoken</c>, else <c>~/.local/share/evertoken</c> (see <see cref="EvertokenPaths"/>).</summary>
    public string? DataFolder { get; set; }

    /// <summary>The store. Default <see cref="StoreKind.Sqlite"/>. <see cref="StoreKind.InMemory"/> needs no data folder
    /// and no master key: tokens come from <see cref="Tokens"/> at each start and renewals last until the process ends.</summary>
    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    /// <summary>The SQLite file. Default <c>&lt;data folder&gt;/evertoken.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The PostgreSQL connection string, required for <see cref="StoreKind.Postgres"/>. Default: none.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>
    /// The master key that encrypts secrets at rest. Default: <c>EVERTOKEN_MASTER_KEY</c> (and
    /// <c>EVERTOKEN_PREVIOUS_MASTER_KEYS</c>) from the environment, else the key file <c>&lt;data folder&gt;/master.key</c>,
    /// created on first use. Not used by the <see cref="StoreKind.InMemory"/> store.
    /// </summary>
    public MasterKeyOptions MasterKey { get; set; } = DefaultMasterKey();

    /// <summary>The Graph API (or emulator) address and version. Default: <c>https://graph.facebook.com/</c>, <c>v25.0</c>.</summary>
    public GraphOptions Graph { get; set; } = new();

    /// <summary>When tokens are renewed and checked (see <see cref="RefreshPolicyOptions"/> for each default).</summary>
    public RefreshPolicyOptions Refresh { get; set; } = new();

    /// <summary>How often the refresh worker runs, when added with <see cref="EvertokenBuilder.AddRefreshWorker"/>. Default every 30 seconds.</summary>
    public RefreshWorkerOptions Worker { get; set; } = new();

    /// <summary>Tokens added to the store at start when it does not have them yet. Default: none.</summary>
    public IList<TokenDefinition> Tokens { get; set; } = [];

    /// <summary>Sinks that receive each new version of a token. Default: none.</summary>
    public IList<SinkConfiguration> Sinks { get; set; } = [];

    /// <summary>Alert channels besides the log. Default: the log only.</summary>
    public AlertConfiguration Alerts { get; set; } = new();

    /// <summary>The data folder in force: <see cref="DataFolder"/> or the default.</summary>
    public string ResolvedDataFolder => DataFolder is { Length: > 0 } folder ? Path.GetFullPath(folder) : EvertokenPaths.GetDataFolder(Environment.GetEnvironmentVariable);

    /// <summary>The SQLite file in force: <see cref="DatabasePath"/> or <c>&lt;data folder&gt;/evertoken.db</c>.</summary>
    public string ResolvedDatabasePath => DatabasePath is { Length: > 0 } path ? Path.GetFullPath(path) : Path.Combine(ResolvedDataFolder, EvertokenPaths.DatabaseFileName);

    /// <summary>The master key file in force: <see cref="MasterKeyOptions.KeyFile"/> or <c>&lt;data folder&gt;/master.key</c>
    /// (read only when no key is configured).</summary>
    public string ResolvedMasterKeyFile => MasterKey?.KeyFile is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(ResolvedDataFolder, EvertokenPaths.MasterKeyFileName);

    // The environment's keys, but no key file yet: it follows DataFolder, which is only known once configuration is bound.
    private static MasterKeyOptions DefaultMasterKey()
    {
        var options = MasterKeyOptions.FromEnvironment();
        options.KeyFile = null;
        return options;
    }
}
