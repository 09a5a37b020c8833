using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;

namespace Evertoken.Hosting;

/// <summary>Everything <c>services.AddEvertoken(...)</c> needs. Validated at start, every problem listed at once.</summary>
public sealed class EvertokenOptions
{
    /// <summary>The data folder (SQLite file, master key file). Default: <c>EVERTOKEN_DATA</c>, else <c>~/.local/share/evertoken</c>.</summary>
    public string? DataFolder { get; set; }

    /// <summary>The store. Default <see cref="StoreKind.Sqlite"/>.</summary>
    public StoreKind Store { get; set; } = StoreKind.Sqlite;

    /// <summary>The SQLite file. Default <c>&lt;data folder&gt;/evertoken.db</c>.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>The PostgreSQL connection string, for <see cref="StoreKind.Postgres"/>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The master key (env <c>EVERTOKEN_MASTER_KEY</c> or a key file in the data folder).</summary>
    public MasterKeyOptions MasterKey { get; set; } = MasterKeyOptions.FromEnvironment();

    /// <summary>The Graph API (or emulator) address and version.</summary>
    public GraphOptions Graph { get; set; } = new();

    /// <summary>When tokens are renewed and checked.</summary>
    public RefreshPolicyOptions Refresh { get; set; } = new();

    /// <summary>How often the refresh worker runs.</summary>
    public RefreshWorkerOptions Worker { get; set; } = new();

    /// <summary>Tokens added to the store at start when missing.</summary>
    public IList<TokenDefinition> Tokens { get; set; } = [];

    /// <summary>Sinks that receive each new version of a token.</summary>
    public IList<SinkConfiguration> Sinks { get; set; } = [];

    /// <summary>Alert channels.</summary>
    public AlertConfiguration Alerts { get; set; } = new();

    /// <summary>The data folder in force.</summary>
    public string ResolvedDataFolder => DataFolder ?? EvertokenPaths.GetDataFolder(Environment.GetEnvironmentVariable);

    /// <summary>Lists every problem of a configuration.</summary>
    public sealed class Validator : IValidateOptions<EvertokenOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, EvertokenOptions options)
        {
            var problems = new List<string>();
            if (options.Store == StoreKind.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            {
                problems.Add("Store is Postgres but PostgresConnectionString is empty.");
            }

            if (options.Graph.BaseUrl is not { IsAbsoluteUri: true } url || url.Scheme is not ("http" or "https"))
            {
                problems.Add("Graph.BaseUrl must be an absolute http(s) URL.");
            }

            if (string.IsNullOrWhiteSpace(options.Graph.Version) || !options.Graph.Version.StartsWith('v'))
            {
                problems.Add($"Graph.Version must look like v25.0 (was '{options.Graph.Version}').");
            }

            if (options.Graph.Timeout <= TimeSpan.Zero)
            {
                problems.Add("Graph.Timeout must be positive.");
            }

            var r = options.Refresh;
            if (r.RenewWhenLeft <= r.HardMargin)
            {
                problems.Add($"Refresh.RenewWhenLeft ({r.RenewWhenLeft}) must be longer than Refresh.HardMargin ({r.HardMargin}).");
            }

            if (r.InitialBackoff <= TimeSpan.Zero || r.MaxBackoff < r.InitialBackoff)
            {
                problems.Add("Refresh.InitialBackoff must be positive and not above Refresh.MaxBackoff.");
            }

            if (r.CheckInterval <= TimeSpan.Zero)
            {
                problems.Add("Refresh.CheckInterval must be positive.");
            }

            if (options.Worker.Interval <= TimeSpan.Zero)
            {
                problems.Add("Worker.Interval must be positive.");
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < options.Tokens.Count; i++)
            {
                var t = options.Tokens[i];
                var label = string.IsNullOrWhiteSpace(t.Name) ? $"Tokens[{i}]" : $"Token '{t.Name}'";
                if (string.IsNullOrWhiteSpace(t.Name))
                {
                    problems.Add($"{label}: Name is required.");
                }
                else if (!names.Add(t.Name))
                {
                    problems.Add($"{label}: the name is used twice.");
                }

                if (string.IsNullOrWhiteSpace(t.Token) && string.IsNullOrWhiteSpace(t.ImportFromDotEnv))
                {
                    problems.Add($"{label}: set Token or ImportFromDotEnv.");
                }

                if (!string.IsNullOrWhiteSpace(t.ImportFromDotEnv) && !File.Exists(t.ImportFromDotEnv))
                {
                    problems.Add($"{label}: ImportFromDotEnv file '{t.ImportFromDotEnv}' does not exist.");
                }

                if (!string.IsNullOrWhiteSpace(t.AppSecret) && string.IsNullOrWhiteSpace(t.AppId))
                {
                    problems.Add($"{label}: AppSecret is set but AppId is not.");
                }
            }

            foreach (var sink in options.Sinks)
            {
                var label = $"Sink '{sink.Name}'";
                if (string.IsNullOrWhiteSpace(sink.Name) || string.IsNullOrWhiteSpace(sink.Token))
                {
                    problems.Add($"{label}: Name and Token are required.");
                }

                if (sink.Type is not (Evertoken.Sinks.SinkDefinition.DotEnvType or Evertoken.Sinks.SinkDefinition.NetlifyType or Evertoken.Sinks.SinkDefinition.WebhookType))
                {
                    problems.Add($"{label}: Type must be dotenv, netlify or webhook (was '{sink.Type}').");
                }
            }

            if (options.Alerts.WebhookUrl is { } hook && (!hook.IsAbsoluteUri || hook.Scheme is not ("http" or "https")))
            {
                problems.Add("Alerts.WebhookUrl must be an absolute http(s) URL.");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
