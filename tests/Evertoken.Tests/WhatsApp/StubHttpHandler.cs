using System.Net;
using System.Text;

namespace Evertoken.Tests.WhatsApp;

/// <summary>
/// A test HTTP handler that answers only the requests it was told about; anything else throws, so an unplanned call
/// fails the test loudly. Records every request with its body.
/// </summary>
internal sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly List<(Func<HttpRequestMessage, bool> Match, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Respond)> _routes = [];

    public List<RecordedRequest> Requests { get; } = [];

    public StubHttpHandler On(HttpMethod method, string absoluteUri, HttpStatusCode status, string body)
    {
        _routes.Add((r => r.Method == method && r.RequestUri!.AbsoluteUri == absoluteUri,
            (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") })));
        return this;
    }

    public StubHttpHandler OnAny(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _routes.Add((_ => true, respond));
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, body, request.Content?.Headers.ContentType?.MediaType));
        foreach (var (match, respond) in _routes)
        {
            if (match(request))
            {
                return await respond(request, cancellationToken);
            }
        }

        throw new InvalidOperationException($"Unexpected HTTP call: {request.Method} {request.RequestUri}");
    }

    internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType);
}
