namespace Evertoken.Storage;

/// <summary>
/// Where Evertoken keeps its files by default. The data folder is, in order: the <c>EVERTOKEN_DATA</c> environment
/// variable; <c>$XDG_DATA_HOME/evertoken</c>; <c>~/.local/share/evertoken</c> (on Windows,
/// <c>%LOCALAPPDATA%\evertoken</c>). Nothing is created here; the store and the key provider create what they need.
/// </summary>
public static class EvertokenPaths
{
    /// <summary>The environment variable that overrides the data folder.</summary>
    public const string DataEnvironmentVariable = "EVERTOKEN_DATA";

    /// <summary>The file name of the SQLite database in the data folder.</summary>
    public const string DatabaseFileName = "evertoken.db";

    /// <summary>The file name of the master key file in the data folder.</summary>
    public const string MasterKeyFileName = "master.key";

    /// <summary>The data folder from the process environment (see the class summary for the order).</summary>
    public static string DataFolder => GetDataFolder(Environment.GetEnvironmentVariable);

    /// <summary>The default SQLite database: <c>&lt;data folder&gt;/evertoken.db</c>.</summary>
    public static string DefaultDatabasePath => Path.Combine(DataFolder, DatabaseFileName);

    /// <summary>The default master key file: <c>&lt;data folder&gt;/master.key</c>.</summary>
    public static string DefaultMasterKeyFile => Path.Combine(DataFolder, MasterKeyFileName);

    /// <summary>The data folder, reading environment variables through <paramref name="getVariable"/> (for tests
    /// and hosts with their own environment).</summary>
    public static string GetDataFolder(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (getVariable(DataEnvironmentVariable) is { Length: > 0 } explicitFolder)
        {
            return Path.GetFullPath(explicitFolder);
        }

        // XDG base directory spec: an empty or relative XDG_DATA_HOME is to be ignored.
        if (getVariable("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "evertoken");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "evertoken");
        }

        var home = getVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "evertoken");
    }
}
