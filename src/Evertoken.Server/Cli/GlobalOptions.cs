using System.CommandLine;

namespace Evertoken.Server.Cli;

/// <summary>Options every command accepts (recursive on the root command).</summary>
public static class GlobalOptions
{
    /// <summary><c>--graph-url</c>: the Graph API (or emulator) base URL. Env <c>EVERTOKEN__GRAPH__BASEURL</c>. Default https://graph.facebook.com/.</summary>
    public static readonly Option<string?> GraphUrl = new("--graph-url")
    {
        Description = "Graph API base URL, e.g. http://127.0.0.1:5080/ for the emulator [env: EVERTOKEN__GRAPH__BASEURL; default: https://graph.facebook.com/]",
        Recursive = true,
    };

    /// <summary><c>--graph-version</c>. Env <c>EVERTOKEN__GRAPH__VERSION</c>. Default v25.0.</summary>
    public static readonly Option<string?> GraphVersion = new("--graph-version")
    {
        Description = "Graph API version [env: EVERTOKEN__GRAPH__VERSION; default: v25.0]",
        Recursive = true,
    };

    /// <summary><c>--data-dir</c>: where the store and the master key file live. Env <c>EVERTOKEN_DATA</c>.</summary>
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder of the token store and master key file [env: EVERTOKEN_DATA; default: ~/.local/share/evertoken]",
        Recursive = true,
    };

    /// <summary><c>--json</c>: machine-readable output.</summary>
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print JSON instead of tables (for scripts)",
        Recursive = true,
    };

    /// <summary><c>--verbose</c>: Debug logs on standard error.</summary>
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log at Debug level to standard error (tokens are never logged, only fingerprints)",
        Recursive = true,
    };

    /// <summary>All of them, for registration on the root command.</summary>
    public static IEnumerable<Option> All => [GraphUrl, GraphVersion, DataDir, Json, Verbose];
}
