using System.Text.Json.Serialization;

namespace Evertoken.Sinks;

/// <summary>
/// A sink as configured and stored: a type, plain settings, and secrets kept apart so the store can encrypt them
/// (<see cref="Secrets"/>) while showing <see cref="Settings"/> in the API. <see cref="SinkFactory"/> turns it into a
/// sink. Keys (snake_case):
/// <list type="table">
/// <listheader><term>type</term><description>settings / <b>secrets</b></description></listheader>
/// <item><term><c>dotenv</c></term><description><c>path</c> (required), <c>variable</c>
/// (<c>WHATSAPP_ACCESS_TOKEN</c>), <c>write_phone_number_id</c> (<c>false</c>), <c>phone_number_variable</c>
/// (<c>WHATSAPP_PHONE_NUMBER_ID</c>); no secrets.</description></item>
/// <item><term><c>netlify</c></term><description><c>account_id</c> (required), <c>site_id</c>, <c>key</c>
/// (<c>WHATSAPP_ACCESS_TOKEN</c>), <c>context</c> (<c>production</c>), <c>context_parameter</c>, <c>redeploy</c>
/// (<c>none</c> | <c>builds</c> | <c>build-hook</c>; <c>builds</c>), <c>create_as_secret</c> (<c>false</c>),
/// <c>api_base_url</c>; secrets <b><c>access_token</c></b> (required), <b><c>build_hook_url</c></b>.</description></item>
/// <item><term><c>webhook</c></term><description><c>url</c> (required), <c>include_value</c> (<c>false</c>);
/// secret <b><c>secret</c></b> (required).</description></item>
/// </list>
/// <see cref="ToString"/> lists secret names, never their values.
/// </summary>
public sealed record SinkDefinition
{
    /// <summary>The <c>.env</c> file type.</summary>
    public const string DotEnvType = "dotenv";

    /// <summary>The Netlify environment variable type.</summary>
    public const string NetlifyType = "netlify";

    /// <summary>The signed webhook type.</summary>
    public const string WebhookType = "webhook";

    /// <summary>The sink's name, unique among the token's sinks (e.g. <c>netlify-prod</c>).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary><see cref="DotEnvType"/>, <see cref="NetlifyType"/> or <see cref="WebhookType"/>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Plain settings, safe to show.</summary>
    [JsonPropertyName("settings")]
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Secret settings: encrypt at rest, never show.</summary>
    [JsonPropertyName("secrets")]
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>The secret keys each type reads; anything else in <see cref="Secrets"/> is rejected.</summary>
    public static IReadOnlyList<string> SecretKeysOf(string type) => type switch
    {
        NetlifyType => ["access_token", "build_hook_url"],
        WebhookType => ["secret"],
        _ => [],
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"SinkDefinition {{ {Name} ({Type}), settings: [{string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"))}], " +
        $"secrets: [{string.Join(", ", Secrets.Keys)}] }}";
}
