using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary>
/// A small client of a running <c>evertoken serve</c> for the CLI: the base URL (<c>--server</c>, env
/// <c>EVERTOKEN_SERVER</c>, default http://127.0.0.1:5000) and a key from the environment (never an argument, which
/// would show in the process list).
/// </summary>
internal sealed class ServerApiClient : IDisposable
{
    /// <summary>The server when neither <c>--server</c> nor <c>EVERTOKEN_SERVER</c> is given.</summary>
    public const string DefaultServer = "http://127.0.0.1:5000/";

    private readonly HttpClient _http;

    private ServerApiClient(Uri baseUrl, string key)
    {
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(100) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    /// <summary>Creates the client; <paramref name="keyVariables"/> are looked up in order.</summary>
    /// <exception cref="UsageException">When the URL is not http(s) or no key is set.</exception>
    public static ServerApiClient Create(CliContext ctx, string? server, params string[] keyVariables)
    {
        var text = server ?? ctx.Host.Env("EVERTOKEN_SERVER") ?? DefaultServer;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"The server URL is not an http(s) URL: {text}");
        }

        var key = keyVariables.Select(ctx.Host.Env).FirstOrDefault(k => k is not null)
            ?? throw new UsageException($"Set {string.Join(" or ", keyVariables)} to the key the server gave you.");
        return new ServerApiClient(url, key);
    }

    /// <summary>Sends a request; returns the status and the body parsed as JSON (null when empty or not JSON).</summary>
    /// <exception cref="UsageException">When the server cannot be reached.</exception>
    public async Task<(int Status, JsonElement? Body)> SendAsync(HttpMethod method, string path, string? jsonBody, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _http.SendAsync(request, ct);
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            JsonElement? body = null;
            if (bytes.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(bytes);
                    body = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Not JSON: the status says enough.
                }
            }

            return ((int)response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            throw new UsageException($"The server at {_http.BaseAddress} could not be reached ({ex.HttpRequestError}).");
        }
    }

    /// <summary>A one-line description of a ProblemDetails answer.</summary>
    public static string Describe(int status, JsonElement? body)
    {
        if (body is { ValueKind: JsonValueKind.Object } problem)
        {
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var text = $"HTTP {status}: {title}{(detail is null ? "" : " — " + detail)}";
            if (problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    foreach (var message in field.Value.EnumerateArray())
                    {
                        text += $"{Environment.NewLine}  {field.Name}: {message.GetString()}";
                    }
                }
            }

            return text;
        }

        return $"HTTP {status}";
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
