namespace Evertoken.Sinks;

/// <summary>Settings of a <see cref="NetlifyEnvSink"/>.</summary>
public sealed class NetlifyEnvSinkOptions
{
    /// <summary>The API base URL. Default <c>https://api.netlify.com/api/v1/</c>.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.netlify.com/api/v1/");

    /// <summary>A Netlify personal access token (secret). Required.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The account (team) id or slug that owns the variable. Required.</summary>
    public string AccountId { get; set; } = string.Empty;

    /// <summary>
    /// The site id. Required for a site-scoped variable and for <see cref="NetlifyRedeploy.Builds"/>; null for an
    /// account-wide variable.
    /// </summary>
    public string? SiteId { get; set; }

    /// <summary>The variable key. Default <c>WHATSAPP_ACCESS_TOKEN</c>.</summary>
    public string Key { get; set; } = "WHATSAPP_ACCESS_TOKEN";

    /// <summary>
    /// The deploy context whose value is set: <c>all</c>, <c>dev</c>, <c>branch-deploy</c>, <c>deploy-preview</c>,
    /// <c>production</c> or <c>branch</c> (with <see cref="ContextParameter"/>). Default <c>production</c>.
    /// </summary>
    public string Context { get; set; } = "production";

    /// <summary>The branch name when <see cref="Context"/> is <c>branch</c>; otherwise null.</summary>
    public string? ContextParameter { get; set; }

    /// <summary>Create the variable as secret when it does not exist yet. Default false.</summary>
    public bool CreateAsSecret { get; set; }

    /// <summary>How to make the new value live. Default <see cref="NetlifyRedeploy.Builds"/>.</summary>
    public NetlifyRedeploy Redeploy { get; set; } = NetlifyRedeploy.Builds;

    /// <summary>The build hook URL for <see cref="NetlifyRedeploy.BuildHook"/> (a secret: anyone with it can start builds).</summary>
    public Uri? BuildHookUrl { get; set; }

    /// <summary>How many times one call is retried after a 429 answer. Default 3.</summary>
    public int MaxRateLimitRetries { get; set; } = 3;

    /// <summary>The wait after a 429 without a usable <c>X-RateLimit-Reset</c> header. Default 60 seconds.</summary>
    public TimeSpan DefaultRateLimitWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait after a 429, whatever the header says. Default 5 minutes.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout of one HTTP call. Default 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal static readonly string[] Contexts = ["all", "dev", "branch-deploy", "deploy-preview", "production", "branch"];

    /// <summary>Every problem with these settings, in words; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ApiBaseUrl is not { IsAbsoluteUri: true } || (ApiBaseUrl.Scheme != Uri.UriSchemeHttps && ApiBaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add("The Netlify API base URL must be an absolute http(s) URL.");
        }

        if (string.IsNullOrWhiteSpace(AccessToken))
        {
            problems.Add("The Netlify sink needs a personal access token.");
        }

        if (string.IsNullOrWhiteSpace(AccountId))
        {
            problems.Add("The Netlify sink needs the account (team) id.");
        }

        if (string.IsNullOrWhiteSpace(Key))
        {
            problems.Add("The Netlify sink needs a variable key.");
        }

        if (!Contexts.Contains(Context))
        {
            problems.Add($"'{Context}' is not a Netlify deploy context ({string.Join(", ", Contexts)}).");
        }

        if (Context == "branch" && string.IsNullOrWhiteSpace(ContextParameter))
        {
            problems.Add("The 'branch' context needs the branch name as context parameter.");
        }

        if (CreateAsSecret && Context == "dev")
        {
            problems.Add("Netlify does not allow secret values in the 'dev' context.");
        }

        if (Redeploy == NetlifyRedeploy.Builds && string.IsNullOrWhiteSpace(SiteId))
        {
            problems.Add("Redeploying with the builds API needs the site id.");
        }

        if (Redeploy == NetlifyRedeploy.BuildHook
            && (BuildHookUrl is not { IsAbsoluteUri: true } || (BuildHookUrl.Scheme != Uri.UriSchemeHttps && BuildHookUrl.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add("Redeploying with a build hook needs the hook's absolute http(s) URL.");
        }

        if (MaxRateLimitRetries < 0)
        {
            problems.Add("The number of rate-limit retries cannot be negative.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("The Netlify sink's timeout must be positive.");
        }

        return problems;
    }
}
