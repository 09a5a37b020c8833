using System.Collections.Specialized;
using System.Net;
using System.Text;
using System.Web;

namespace Evertoken.Tests.Graph;

/// <summary>One request as the stub saw it, body included (read before the client disposes it).</summary>
internal sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    string? Authorization,
    string? ContentType,
    string Body)
{
    public string Path => Uri.AbsolutePath;

    public NameValueCollection Query => HttpUtility.ParseQueryString(Uri.Query);

    public NameValueCollection Form => HttpUtility.ParseQueryString(Body);
}

/// <summary>
/// A Graph stand-in for unit tests: answers only the routes a test sets up and throws on anything else, so an
/// unplanned call fails loudly. Records every request.
/// </summary>
internal sealed class StubGraphHandler : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Path, Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> Respond)> _routes = [];
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public RecordedRequest Single => Requests.ShouldHaveSingleItem();

    public StubGraphHandler On(HttpMethod method, string path, Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _routes.Add((method, path, respond));
        return this;
    }

    public StubGraphHandler On(HttpMethod method, string path, Func<RecordedRequest, HttpResponseMessage> respond) =>
        On(method, path, (r, _) => Task.FromResult(respond(r)));

    public StubGraphHandler OnJson(HttpMethod method, string path, string body, HttpStatusCode status = HttpStatusCode.OK,
        params (string Name, string Value)[] headers) =>
        On(method, path, _ => Json(body, status, headers));

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK, params (string Name, string Value)[] headers) =>
        Text(body, "application/json", status, headers);

    public static HttpResponseMessage Text(string body, string mediaType, HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8) };
        response.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType);
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The Graph client must call SendAsync.");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var recorded = new RecordedRequest(
            request.Method,
            request.RequestUri!,
            request.Headers.Authorization?.ToString(),
            request.Content?.Headers.ContentType?.MediaType,
            body);
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        var route = _routes.LastOrDefault(r => r.Method == request.Method && r.Path == recorded.Path);
        if (route.Respond is null)
        {
            throw new InvalidOperationException($"Unexpected Graph call: {request.Method} {recorded.Path}");
        }

        return await route.Respond(recorded, cancellationToken);
    }
}
