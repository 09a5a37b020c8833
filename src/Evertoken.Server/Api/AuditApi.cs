using Evertoken.Alerts;
using Evertoken.Server.Auth;
using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Evertoken.Server.Api;

/// <summary><c>/v1/audit</c> and <c>/v1/alerts</c>: what happened. Admin only.</summary>
public static class AuditApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Audit").RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/audit", async Task<Ok<IReadOnlyList<AuditEntry>>> (ITokenStore store, AuditWriter queued, string? token, int? limit, CancellationToken ct) =>
        {
            // Entries queued behind earlier answers (token reads) are committed first, so the list shows them.
            await queued.FlushAsync(ct);
            return TypedResults.Ok(await store.ListAuditAsync(Math.Clamp(limit ?? 100, 1, 1000), token, ct));
        });
        group.MapGet("/alerts", (AlertManager alerts) => TypedResults.Ok(new AlertsView(alerts.Recent, alerts.Active)));
        return group;
    }

    /// <summary>The last alerts and the problems still open.</summary>
    public sealed record AlertsView(IReadOnlyList<Alert> Recent, IReadOnlyList<ActiveAlert> Active);
}
