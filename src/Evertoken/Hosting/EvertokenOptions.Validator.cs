using System.Globalization;
using Evertoken.Graph;
using Evertoken.Hosting.Internal;
using Evertoken.Sinks;
using Evertoken.Storage;
using Evertoken.Storage.Internal;
using Microsoft.Extensions.Options;

namespace Evertoken.Hosting;

public sealed partial class EvertokenOptions
{
    /// <summary>
    /// Lists every problem of a configuration in one result, so a host that starts with a bad configuration stops at
    /// once with all of them (<c>ValidateOnStart</c>), not at the first refresh. Checks the values, and also what can be
    /// checked without side effects worth mentioning: that the data folder can be written (with a probe file) and that
    /// the master key, configured or in its file, is well formed. Messages never contain a token, a secret or a key.
    /// </summary>
    public sealed class Validator : IValidateOptions<EvertokenOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, EvertokenOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            ValidateStore(options, problems);
            ValidateGraph(options.Graph, problems);
            ValidateSchedule(options, problems);
            ValidateTokens(options.Tokens, problems);
            ValidateSinks(options.Sinks, problems);
            if (options.Alerts?.WebhookUrl is { } hook && !IsHttpUrl(hook))
            {
                problems.Add("Alerts.WebhookUrl must be an absolute http(s) URL.");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }

        private static void ValidateStore(EvertokenOptions options, List<string> problems)
        {
            if (!Enum.IsDefined(options.Store))
            {
                problems.Add($"Store must be Sqlite, Postgres or InMemory (was {options.Store}).");
                return;
            }

            if (options.Store == StoreKind.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
            {
                problems.Add("Store is Postgres but PostgresConnectionString is empty.");
            }

            if (options.Store == StoreKind.Sqlite)
            {
                var database = options.ResolvedDatabasePath;
                if (Directory.Exists(database))
                {
                    problems.Add($"DatabasePath {database} is a folder; give the path of the SQLite file.");
                }
                else if (FolderProbe.WhyNotWritable(Path.GetDirectoryName(database)!) is { } why)
                {
                    problems.Add($"The SQLite database {database} cannot be created: {why}. Set DataFolder or DatabasePath to a writable place.");
                }
            }

            // The in-memory store keeps secrets in process memory only: no key involved.
            if (options.Store != StoreKind.InMemory)
            {
                ValidateMasterKey(options, problems);
            }
        }

        private static void ValidateMasterKey(EvertokenOptions options, List<string> problems)
        {
            var key = options.MasterKey;
            if (key is null)
            {
                problems.Add("MasterKey must not be null.");
                return;
            }

            for (var i = 0; i < key.PreviousKeys.Count; i++)
            {
                CheckKey(key.PreviousKeys[i], $"MasterKey.PreviousKeys[{i}] ({MasterKeyOptions.PreviousKeysEnvironmentVariable} entry #{i + 1})", problems);
            }

            if (!string.IsNullOrWhiteSpace(key.Key))
            {
                CheckKey(key.Key, $"MasterKey.Key ({MasterKeyOptions.KeyEnvironmentVariable})", problems);
                return;
            }

            var file = options.ResolvedMasterKeyFile;
            if (!File.Exists(file))
            {
                // Created on first use: its folder must take it.
                if (FolderProbe.WhyNotWritable(Path.GetDirectoryName(file)!) is { } why)
                {
                    problems.Add($"No master key is configured and the key file {file} cannot be created: {why}. Set {MasterKeyOptions.KeyEnvironmentVariable} (32 random bytes in base64) or DataFolder.");
                }

                return;
            }

            try
            {
                CheckKey(File.ReadAllText(file), $"the master key file {file}", problems);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"The master key file {file} cannot be read ({e.GetType().Name}). Fix its permissions, or set {MasterKeyOptions.KeyEnvironmentVariable}.");
            }
        }

        private static void CheckKey(string value, string source, List<string> problems)
        {
            try
            {
                MasterKeyParser.Parse(value, source);
            }
            catch (MasterKeyException e)
            {
                // The parser's message names the source and what is expected, never the key.
                problems.Add(e.Message);
            }
        }

        private static void ValidateGraph(GraphOptions? graph, List<string> problems)
        {
            if (graph is not { } g)
            {
                problems.Add("Graph must not be null.");
                return;
            }

            if (g.BaseUrl is not { } url || !IsHttpUrl(url))
            {
                problems.Add("Graph.BaseUrl must be an absolute http(s) URL.");
            }

            if (string.IsNullOrWhiteSpace(g.Version) || !IsVersion(g.Version))
            {
                problems.Add($"Graph.Version must look like v25.0 (was '{g.Version}').");
            }

            if (g.Timeout <= TimeSpan.Zero && g.Timeout != Timeout.InfiniteTimeSpan)
            {
                problems.Add("Graph.Timeout must be positive.");
            }
        }

        private static void ValidateSchedule(EvertokenOptions options, List<string> problems)
        {
            if (options.Refresh is not { } r)
            {
                problems.Add("Refresh must not be null.");
            }
            else
            {
                if (r.HardMargin <= TimeSpan.Zero)
                {
                    problems.Add("Refresh.HardMargin must be positive.");
                }

                if (r.RenewWhenLeft <= r.HardMargin)
                {
                    problems.Add($"Refresh.RenewWhenLeft ({r.RenewWhenLeft}) must be longer than Refresh.HardMargin ({r.HardMargin}).");
                }

                if (r.Jitter < TimeSpan.Zero)
                {
                    problems.Add("Refresh.Jitter must not be negative.");
                }

                if (r.InitialBackoff <= TimeSpan.Zero || r.MaxBackoff < r.InitialBackoff)
                {
                    problems.Add("Refresh.InitialBackoff must be positive and not above Refresh.MaxBackoff.");
                }

                if (r.CheckInterval <= TimeSpan.Zero)
                {
                    problems.Add("Refresh.CheckInterval must be positive.");
                }

                if (r.AlertWindow < TimeSpan.Zero)
                {
                    problems.Add("Refresh.AlertWindow must not be negative.");
                }

                if (r.RevokeGracePeriod < TimeSpan.Zero)
                {
                    problems.Add("Refresh.RevokeGracePeriod must not be negative (leave it empty to never revoke).");
                }
            }

            if (options.Worker is not { } w)
            {
                problems.Add("Worker must not be null.");
                return;
            }

            if (w.Interval <= TimeSpan.Zero)
            {
                problems.Add("Worker.Interval must be positive.");
            }

            if (w.Concurrency < 1)
            {
                problems.Add($"Worker.Concurrency must be at least 1 (was {w.Concurrency}).");
            }
        }

        private static void ValidateTokens(IList<TokenDefinition>? tokens, List<string> problems)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < (tokens?.Count ?? 0); i++)
            {
                var t = tokens![i];
                if (t is null)
                {
                    problems.Add($"Tokens[{i}] is empty.");
                    continue;
                }

                var label = string.IsNullOrWhiteSpace(t.Name) ? $"Tokens[{i}]" : $"Token '{t.Name}'";
                if (string.IsNullOrWhiteSpace(t.Name))
                {
                    problems.Add($"{label}: Name is required.");
                }
                else if (!names.Add(t.Name))
                {
                    problems.Add($"{label}: the name is used twice.");
                }

                var hasValue = !string.IsNullOrWhiteSpace(t.Token);
                var hasFile = !string.IsNullOrWhiteSpace(t.ImportFromDotEnv);
                if (!hasValue && !hasFile)
                {
                    problems.Add($"{label}: set Token or ImportFromDotEnv.");
                }
                else if (hasValue && hasFile)
                {
                    problems.Add($"{label}: set Token or ImportFromDotEnv, not both.");
                }

                if (hasFile && !File.Exists(t.ImportFromDotEnv))
                {
                    problems.Add($"{label}: ImportFromDotEnv file '{t.ImportFromDotEnv}' does not exist.");
                }

                if (!string.IsNullOrWhiteSpace(t.AppSecret) && string.IsNullOrWhiteSpace(t.AppId))
                {
                    problems.Add($"{label}: AppSecret is set but AppId is not (the secret belongs to an app).");
                }

                CheckNumericId(t.AppId, $"{label}: AppId", problems);
                CheckNumericId(t.PhoneNumberId, $"{label}: PhoneNumberId", problems);
                CheckNumericId(t.WabaId, $"{label}: WabaId", problems);
            }
        }

        private static void ValidateSinks(IList<SinkConfiguration>? sinks, List<string> problems)
        {
            for (var i = 0; i < (sinks?.Count ?? 0); i++)
            {
                var sink = sinks![i];
                var label = string.IsNullOrWhiteSpace(sink?.Name) ? $"Sinks[{i}]" : $"Sink '{sink.Name}'";
                if (sink is null || string.IsNullOrWhiteSpace(sink.Name) || string.IsNullOrWhiteSpace(sink.Token))
                {
                    problems.Add($"{label}: Name and Token are required.");
                }

                var type = sink?.Type?.ToLowerInvariant();
                if (type is not (SinkDefinition.DotEnvType or SinkDefinition.NetlifyType or SinkDefinition.WebhookType))
                {
                    problems.Add($"{label}: Type must be dotenv, netlify or webhook (was '{sink?.Type}').");
                }
            }
        }

        private static void CheckNumericId(string? id, string what, List<string> problems)
        {
            // Meta's ids are numbers; a pasted token or display number here is a common slip.
            if (!string.IsNullOrWhiteSpace(id) && !id.All(char.IsAsciiDigit))
            {
                problems.Add($"{what} must be Meta's numeric id (digits only), not '{Shorten(id)}'.");
            }
        }

        // Never echo something that may be a token pasted in the wrong field.
        private static string Shorten(string value) => value.Length <= 8 ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..4]}…({value.Length} characters)");

        private static bool IsHttpUrl(Uri url) => url.IsAbsoluteUri && url.Scheme is "http" or "https";

        private static bool IsVersion(string version) =>
            version.Length > 1 && version[0] == 'v' && decimal.TryParse(version.AsSpan(1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
    }
}
