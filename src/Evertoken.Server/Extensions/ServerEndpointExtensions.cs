using Evertoken.Server.Api;
using Evertoken.Server.Dashboard;
using Evertoken.Server.Proxy;

namespace Evertoken.Server.Extensions;

/// <summary>Maps every endpoint of the server.</summary>
public static class ServerEndpointExtensions
{
    /// <summary>The API, operations and OpenAPI document.</summary>
    public static WebApplication MapEvertokenServer(this WebApplication app)
    {
        // The Graph proxy first, on a branch of its own (its own key check): no routing, status code pages,
        // authentication or authorization middleware, no dashboard.
        app.UseGraphProxy();
        app.UseExceptionHandler();
        // Meta's webhook callback is anonymous and answers its own problems: it skips status code pages and the
        // authentication and authorization middleware (which would otherwise run the key scheme on every delivery).
        app.UseWhen(NotWebhookReceiver, branch => branch.UseStatusCodePages());
        app.UseRouting();
        app.UseWhen(NotWebhookReceiver, branch => branch.UseAuthentication().UseAuthorization());
        app.MapOpenApi("/openapi/v1.json");
        app.MapOperations();
        app.MapTokensApi();
        app.MapClientKeysApi();
        app.MapAuditApi();
        app.MapMessagesApi();
        app.MapWebhooksApi();
        app.MapDashboard();
        return app;
    }

    private static bool NotWebhookReceiver(HttpContext context) => !context.Request.Path.StartsWithSegments(WebhooksApi.ReceiverPath);
}
