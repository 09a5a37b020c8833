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
        // Meta's webhook callback likewise: anonymous (the signature is the proof), answering its own problems.
        app.UseWebhookReceiver();
        app.UseExceptionHandler();
        // Token value reads next, on a lean path of their own (the read-token rule checked against the client key
        // cache): apps that read their token often skip routing, status code pages, authentication and authorization.
        app.UseTokenValueReads();
        app.UseStatusCodePages();
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
}
