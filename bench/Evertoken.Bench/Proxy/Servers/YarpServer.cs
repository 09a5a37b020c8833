using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy.Transforms;

namespace Evertoken.Bench.Proxy.Servers;

/// <summary>Bare YARP: <c>/graph/{**path}</c> forwarded to the upstream, no authentication, no token logic.</summary>
internal static class YarpServer
{
    public static Task<int> RunAsync(Uri upstream)
    {
        var builder = ServeLoop.SlimBuilder();
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        app.MapForwarder("/graph/{**path}", upstream.GetLeftPart(UriPartial.Authority), transforms =>
        {
            // As bare as Evertoken's forwarding: no X-Forwarded-* headers, the /graph prefix removed.
            transforms.UseDefaultForwarders = false;
            transforms.AddPathRemovePrefix("/graph");
        });
        return ServeLoop.RunAsync(app);
    }
}
