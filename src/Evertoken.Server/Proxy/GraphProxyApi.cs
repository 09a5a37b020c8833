using Evertoken.Server.Proxy.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Evertoken.Server.Proxy;

/// <summary>
/// <c>/graph/...</c>: the Graph API proxy. An app keeps its Graph code, points its base URL at
/// <c>http://evertoken/graph/</c> and sends its client key (right <c>proxy</c>) as <c>Authorization: Bearer etk_...</c>;
/// Evertoken replaces it with the managed token and its <c>appsecret_proof</c>, forwards the call with the version
/// segment and query kept, streams both bodies, and retries once with a refreshed token when Meta answers code 190.
/// </summary>
public static class GraphProxyApi
{
    /// <summary>The request header naming the managed token to use, when the client key may use more than one.</summary>
    public const string TokenHeader = "X-Evertoken-Token";

    /// <summary>The route prefix.</summary>
    public const string Prefix = "/graph";

    /// <summary>Adds the forwarder, the shared upstream connection pool and the proxy's options (section <c>Server:Proxy</c>).</summary>
    public static IServiceCollection AddGraphProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpForwarder();
        services.AddOptions<GraphProxyOptions>().Bind(configuration.GetSection("Server:Proxy"));
        services.TryAddSingleton<GraphProxyClient>();
        services.TryAddSingleton<RefreshFlights>();
        services.TryAddSingleton<ProxyKeyCheck>();
        services.TryAddSingleton<GraphProxyHandler>();
        return services;
    }

    /// <summary>
    /// Serves <c>/graph</c> and everything under it on a pipeline branch of its own, ahead of routing,
    /// authentication, authorization, status code pages and the dashboard: the call is checked against the client
    /// key cache (the same rule as the <c>proxy</c> policy), forwarded, counted in <c>evertoken.proxy.*</c> metrics;
    /// an exception still becomes a 500 problem.
    /// </summary>
    public static IApplicationBuilder UseGraphProxy(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Resolved once: a per-call RequestServices lookup would create a DI scope for every proxied call.
        var handler = app.ApplicationServices.GetRequiredService<GraphProxyHandler>();
        return app.MapWhen(
            context => context.Request.Path.StartsWithSegments(Prefix),
            branch => branch.UseExceptionHandler().Run(handler.HandleAsync));
    }
}
