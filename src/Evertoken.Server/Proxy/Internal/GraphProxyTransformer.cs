using System.Net;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// One attempt of one proxied call: copies the app's request with the managed token in place of its client key, and
/// on the way back either passes the answer through or, when watching for it, holds back a code 190 rejection.
/// </summary>
/// <param name="path">The Graph path (after <c>/graph</c>), version segment included.</param>
/// <param name="query">The app's query without credentials, plus our <c>appsecret_proof</c>.</param>
/// <param name="authorization">The <c>Authorization</c> value to send: <c>Bearer</c> and the managed token.</param>
/// <param name="watchForRejection">Hold back a 190 answer (only when the call can be sent again).</param>
/// <param name="maxInspectedBytes">The largest error body read to look for code 190.</param>
internal sealed class GraphProxyTransformer(PathString path, QueryString query, string authorization, bool watchForRejection, int maxInspectedBytes) : HttpTransformer
{
    /// <summary>Meta's 190 answer, when this attempt got one and held it back.</summary>
    public RejectedAnswer? Rejection { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        // Set before the base copy, which builds the address only when none is set: one Uri per call, not two.
        proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, path, query);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;

        // The base copy keeps the app's Host (ours); Graph must see its own.
        headers.Host = null;
        headers.Remove(HeaderNames.Authorization);
        headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        headers.Remove(GraphProxyApi.TokenHeader);

        // Meta has no use for our cookies, and a browser could carry the dashboard session.
        headers.Remove(HeaderNames.Cookie);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // Graph answers token errors with 400 (observed) or 401 (WhatsApp's OpenAPI examples); reference graph-tokens.md §1.
        if (watchForRejection
            && proxyResponse is { StatusCode: HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, Content: { } content }
            && (content.Headers.ContentLength ?? 0) <= maxInspectedBytes)
        {
            // Small by the check above, or of unknown length: Graph errors are tiny, and a body over the limit fails
            // the call (502) rather than growing memory without bound.
            await content.LoadIntoBufferAsync(maxInspectedBytes, cancellationToken);
            var body = await content.ReadAsByteArrayAsync(cancellationToken);
            if (GraphErrorBody.IsTokenError(body, content.Headers.ContentEncoding))
            {
                Rejection = RejectedAnswer.Capture(proxyResponse, body);
                return false;
            }
        }

        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
