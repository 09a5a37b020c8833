using System.Text.Json;
using System.Text.RegularExpressions;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// The parameters of one Graph call, merged from the query string, a form body and a flat JSON body (Graph accepts
/// each), plus the access token from <c>access_token</c> or <c>Authorization: Bearer</c>. Read once per call and
/// cached on the HttpContext.
/// </summary>
internal sealed partial class GraphRequest
{
    private static readonly object CacheKey = new();

    private readonly Dictionary<string, string> _values;

    private GraphRequest(Dictionary<string, string> values, IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string>? form, string? token, string? transport, string path, string? version)
    {
        _values = values;
        Query = query;
        Form = form;
        AccessToken = token;
        TokenTransport = transport;
        Path = path;
        Version = version;
    }

    public IReadOnlyDictionary<string, string> Query { get; }

    public IReadOnlyDictionary<string, string>? Form { get; }

    /// <summary>The caller's token, or null.</summary>
    public string? AccessToken { get; }

    /// <summary><c>query</c>, <c>form</c>, <c>bearer</c> or null.</summary>
    public string? TokenTransport { get; }

    /// <summary>The path without the version segment.</summary>
    public string Path { get; }

    /// <summary>The <c>vNN.N</c> segment, or null.</summary>
    public string? Version { get; }

    public string? this[string name] => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    public bool Flag(string name) => this[name] is { } v && (v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1");

    /// <summary>Reads (once) the parameters of the current call.</summary>
    public static async Task<GraphRequest> ReadAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(CacheKey, out var cached) && cached is GraphRequest ready)
        {
            return ready;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in http.Request.Query)
        {
            query[key] = value.ToString();
            values[key] = value.ToString();
        }

        Dictionary<string, string>? form = null;
        if (http.Request.HasFormContentType)
        {
            var read = await http.Request.ReadFormAsync(http.RequestAborted);
            form = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in read)
            {
                form[key] = value.ToString();
                values.TryAdd(key, value.ToString());
            }
        }
        else if (http.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            await ReadJsonAsync(http, values);
        }

        string? token = null;
        string? transport = null;
        if (query.TryGetValue("access_token", out var q) && q.Length > 0)
        {
            (token, transport) = (q, "query");
        }
        else if (form?.TryGetValue("access_token", out var f) == true && f.Length > 0)
        {
            (token, transport) = (f, "form");
        }
        else if (values.TryGetValue("access_token", out var j) && j.Length > 0)
        {
            (token, transport) = (j, "json");
        }
        else if (http.Request.Headers.Authorization.ToString() is { Length: > 7 } auth
            && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            (token, transport) = (auth[7..].Trim(), "bearer");
        }

        var (path, version) = SplitVersion(http.Request.Path.Value ?? "/");
        var request = new GraphRequest(values, query, form, token, transport, path, version);
        http.Items[CacheKey] = request;
        return request;
    }

    /// <summary>Splits <c>/v25.0/debug_token</c> into <c>/debug_token</c> and <c>v25.0</c>; a path with no version is kept.</summary>
    public static (string Path, string? Version) SplitVersion(string path)
    {
        var match = VersionPrefix().Match(path);
        if (!match.Success)
        {
            return (path, null);
        }

        var rest = path[match.Length..];
        return (rest.Length == 0 ? "/" : rest, match.Groups["v"].Value);
    }

    private static async Task ReadJsonAsync(HttpContext http, Dictionary<string, string> values)
    {
        http.Request.EnableBuffering();
        try
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null or JsonValueKind.Undefined => "",
                    _ => property.Value.GetRawText(),
                };
                values.TryAdd(property.Name, text);
            }
        }
        catch (JsonException)
        {
            // A body that is not JSON is left to the endpoint (which may read it itself).
        }
        finally
        {
            http.Request.Body.Position = 0;
        }
    }

    [GeneratedRegex(@"^/(?<v>v\d+\.\d+)(?=/|$)")]
    private static partial Regex VersionPrefix();
}
