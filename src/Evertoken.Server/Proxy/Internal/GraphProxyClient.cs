using System.Net;
using Evertoken.Hosting;
using Evertoken.Server.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// The upstream side of the proxy: where calls go and the one connection pool they share. No system proxy, no
/// cookies, no redirects (a redirect from Graph goes back to the app as it is), no decompression (bodies pass
/// through as Meta encoded them).
/// </summary>
internal sealed class GraphProxyClient : IDisposable
{
    public GraphProxyClient(IOptions<ServerOptions> server, IOptions<EvertokenOptions> evertoken, IOptions<GraphProxyOptions> proxy)
    {
        var upstream = server.Value.ProxyUpstream ?? evertoken.Value.Graph.BaseUrl;
        DestinationPrefix = upstream.GetLeftPart(UriPartial.Path).TrimEnd('/');
        UpstreamHost = upstream.Authority;
        Config = new ForwarderRequestConfig { ActivityTimeout = proxy.Value.ActivityTimeout ?? evertoken.Value.Graph.Timeout };
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            // Graph sits behind DNS that moves; don't pin a connection for ever.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Meta has no use for our trace context, and injecting it costs a header copy on every call.
            ActivityHeadersPropagator = null,
        }, disposeHandler: true);
    }

    /// <summary>Scheme, host, port and path base of the upstream, without a trailing slash.</summary>
    public string DestinationPrefix { get; }

    /// <summary>The upstream's host and port, for error messages.</summary>
    public string UpstreamHost { get; }

    public ForwarderRequestConfig Config { get; }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
