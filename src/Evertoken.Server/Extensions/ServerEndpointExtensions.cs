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
        // Meta's webhook callback is anonymous and answers its own problems: no status code pages. (Authentication
        // stays on the main pipeline: called inside a branch, WebApplication would add it again ahead of everything,
        // the proxy branch included. Without an Authorization header the key scheme returns at once.)
        app.UseWhen(NotWebhookReceiver, branch => branch.UseStatusCodePages());
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
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
