namespace Evertoken.Hosting;

/// <summary>A sink declared in configuration for one token (see <see cref="Sinks.SinkDefinition"/> for the keys of each type).</summary>
public sealed class SinkConfiguration
{
    /// <summary>The token whose new versions are pushed.</summary>
    public string Token { get; set; } = "";

    /// <summary>The sink's name, e.g. <c>netlify-prod</c>.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>dotenv</c>, <c>netlify</c> or <c>webhook</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>Plain settings (paths, ids, URLs without secrets).</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>Secret settings (access tokens, HMAC secrets, build hook URLs).</summary>
    public Dictionary<string, string> Secrets { get; set; } = [];

    /// <inheritdoc />
    public override string ToString() => $"SinkConfiguration {{ {Token}/{Name} ({Type}) }}";
}
