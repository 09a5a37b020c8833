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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/v1.json");
        app.MapOperations();
        app.MapTokensApi();
        app.MapClientKeysApi();
        app.MapAuditApi();
        app.MapMessagesApi();
        app.MapWebhooksApi();
        app.MapGraphProxy();
        app.MapDashboard();
        return app;
    }
}
