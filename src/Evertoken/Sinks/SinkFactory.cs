using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Evertoken.Sinks;

/// <summary>
/// Builds sinks from their stored <see cref="SinkDefinition"/>. HTTP sinks get their client from
/// <see cref="IHttpClientFactory"/> by name (<see cref="NetlifyHttpClientName"/>, <see cref="WebhookHttpClientName"/>),
/// so a host can configure handlers, proxies or certificates for them.
/// </summary>
/// <param name="httpClientFactory">Where HTTP clients come from.</param>
/// <param name="timeProvider">The clock given to the sinks.</param>
/// <param name="loggerFactory">The log; none when null.</param>
public sealed class SinkFactory(IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILoggerFactory? loggerFactory = null)
{
    /// <summary>The named HTTP client used by <see cref="NetlifyEnvSink"/>.</summary>
    public const string NetlifyHttpClientName = "Evertoken.Sinks.Netlify";

    /// <summary>The named HTTP client used by <see cref="WebhookSink"/>.</summary>
    public const string WebhookHttpClientName = "Evertoken.Sinks.Webhook";

    /// <summary>Builds the sink a definition describes.</summary>
    /// <exception cref="ArgumentException">The definition is not usable; the message lists every problem (never a secret's value).</exception>
    public NamedSink Create(SinkDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            problems.Add("A sink needs a name.");
        }

        var allowedSecrets = SinkDefinition.SecretKeysOf(definition.Type);
        foreach (var key in definition.Settings.Keys.Where(allowedSecrets.Contains))
        {
            problems.Add($"'{key}' is a secret: put it in the definition's secrets so it is stored encrypted.");
        }

        foreach (var key in definition.Secrets.Keys.Where(k => !allowedSecrets.Contains(k)))
        {
            problems.Add($"'{key}' is not a secret of a {definition.Type} sink.");
        }

        ITokenSink? sink = null;
        switch (definition.Type)
        {
            case SinkDefinition.DotEnvType:
            {
                var options = new DotEnvFileSinkOptions
                {
                    Path = Setting(definition, "path") ?? string.Empty,
                    VariableName = Setting(definition, "variable") ?? "WHATSAPP_ACCESS_TOKEN",
                    WritePhoneNumberId = Flag(definition, "write_phone_number_id", problems),
                    PhoneNumberIdVariableName = Setting(definition, "phone_number_variable") ?? "WHATSAPP_PHONE_NUMBER_ID",
                };
                problems.AddRange(options.Validate());
                if (problems.Count == 0)
                {
                    sink = new DotEnvFileSink(options);
                }

                break;
            }

            case SinkDefinition.NetlifyType:
            {
                var options = new NetlifyEnvSinkOptions
                {
                    AccessToken = Secret(definition, "access_token") ?? string.Empty,
                    AccountId = Setting(definition, "account_id") ?? string.Empty,
                    SiteId = Setting(definition, "site_id"),
                    Key = Setting(definition, "key") ?? "WHATSAPP_ACCESS_TOKEN",
                    Context = Setting(definition, "context") ?? "production",
                    ContextParameter = Setting(definition, "context_parameter"),
                    CreateAsSecret = Flag(definition, "create_as_secret", problems),
                    Redeploy = Redeploy(Setting(definition, "redeploy"), problems),
                    BuildHookUrl = Url(Secret(definition, "build_hook_url"), "build_hook_url", problems),
                };
                if (Url(Setting(definition, "api_base_url"), "api_base_url", problems) is { } baseUrl)
                {
                    options.ApiBaseUrl = baseUrl;
                }

                problems.AddRange(options.Validate());
                if (problems.Count == 0)
                {
                    sink = new NetlifyEnvSink(
                        httpClientFactory.CreateClient(NetlifyHttpClientName),
                        options,
                        timeProvider,
                        loggerFactory?.CreateLogger<NetlifyEnvSink>());
                }

                break;
            }

            case SinkDefinition.WebhookType:
            {
                var options = new WebhookSinkOptions
                {
                    Url = Url(Setting(definition, "url"), "url", problems),
                    Secret = Secret(definition, "secret") ?? string.Empty,
                    IncludeValue = Flag(definition, "include_value", problems),
                };
                problems.AddRange(options.Validate());
                if (problems.Count == 0)
                {
                    sink = new WebhookSink(httpClientFactory.CreateClient(WebhookHttpClientName), options, timeProvider);
                }

                break;
            }

            default:
                problems.Add($"'{definition.Type}' is not a sink type (dotenv, netlify, webhook).");
                break;
        }

        if (problems.Count > 0 || sink is null)
        {
            throw new ArgumentException($"Sink '{definition.Name}': {string.Join(" ", problems)}", nameof(definition));
        }

        return new NamedSink(definition.Name, sink);
    }

    private static string? Setting(SinkDefinition definition, string key) =>
        definition.Settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? Secret(SinkDefinition definition, string key) =>
        definition.Secrets.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static bool Flag(SinkDefinition definition, string key, List<string> problems)
    {
        var text = Setting(definition, key);
        if (text is null)
        {
            return false;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        problems.Add($"'{key}' must be true or false.");
        return false;
    }

    private static Uri? Url(string? text, string key, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            return url;
        }

        // Never echo the text: build_hook_url is a secret.
        problems.Add($"'{key}' is not an absolute URL.");
        return null;
    }

    private static NetlifyRedeploy Redeploy(string? text, List<string> problems)
    {
        switch (text?.ToLower(CultureInfo.InvariantCulture))
        {
            case null or "builds":
                return NetlifyRedeploy.Builds;
            case "none":
                return NetlifyRedeploy.None;
            case "build-hook" or "build_hook":
                return NetlifyRedeploy.BuildHook;
            default:
                problems.Add($"'redeploy' must be none, builds or build-hook, not '{text}'.");
                return NetlifyRedeploy.None;
        }
    }
}
