namespace Evertoken.Graph.Internal;

/// <summary>
/// One Graph call before it becomes an <see cref="HttpRequestMessage"/>: the path under <c>/{version}/</c>, query and
/// form parameters, the caller token (sent as <c>Authorization: Bearer</c>) and the app secret for its proof.
/// Every token or secret it carries is remembered so no error message can echo it.
/// </summary>
internal sealed class GraphRequest
{
    private readonly List<string> _secrets = [];

    private GraphRequest(HttpMethod method, string path)
    {
        Method = method;
        Path = path;
    }

    public HttpMethod Method { get; }

    /// <summary>The escaped path under the version segment, e.g. <c>123/phone_numbers</c>.</summary>
    public string Path { get; }

    public List<KeyValuePair<string, string>> Query { get; } = [];

    /// <summary>Form fields; null sends no body.</summary>
    public List<KeyValuePair<string, string>>? Form { get; private set; }

    public string? BearerToken { get; private set; }

    /// <summary>The secret of the app the bearer token belongs to; when set, <c>appsecret_proof</c> is added.</summary>
    public string? AppSecret { get; private set; }

    /// <summary>Values that must never appear in a message.</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    public static GraphRequest Get(params string[] segments) => new(HttpMethod.Get, Join(segments));

    public static GraphRequest Post(params string[] segments) => new(HttpMethod.Post, Join(segments));

    public GraphRequest WithQuery(string name, string value, bool secret = false)
    {
        Query.Add(new(name, value));
        return Remember(value, secret);
    }

    public GraphRequest WithForm(string name, string value, bool secret = false)
    {
        (Form ??= []).Add(new(name, value));
        return Remember(value, secret);
    }

    /// <summary>Sends <paramref name="token"/> as the bearer token, with a proof when <paramref name="appSecret"/> is known.</summary>
    public GraphRequest WithBearer(string token, string? appSecret)
    {
        BearerToken = token;
        AppSecret = string.IsNullOrEmpty(appSecret) ? null : appSecret;
        Remember(token, true);
        return AppSecret is null ? this : Remember(AppSecret, true);
    }

    private GraphRequest Remember(string value, bool secret)
    {
        if (secret && !string.IsNullOrEmpty(value))
        {
            _secrets.Add(value);
        }

        return this;
    }

    // Ids come from configuration and users: escape each segment so "../x" or "a?b" cannot change the call.
    private static string Join(string[] segments) => string.Join('/', segments.Select(Uri.EscapeDataString));
}
