using Evertoken.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Evertoken.Server.Api;

/// <summary><c>/healthz</c> (alive), <c>/readyz</c> (store reachable, no token expired) and <c>/metrics</c> (Prometheus).</summary>
public static class OperationsEndpoints
{
    /// <summary>Maps the endpoints; no authentication (they show names and states, never values).</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "alive" })).ExcludeFromDescription();
        app.MapGet("/readyz", ReadyAsync).ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    private static async Task<Results<Ok<Readiness>, JsonHttpResult<Readiness>>> ReadyAsync(ITokenStore store, TimeProvider time, CancellationToken ct)
    {
        IReadOnlyList<ManagedToken> tokens;
        try
        {
            tokens = await store.ListTokensAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return TypedResults.Json(new Readiness("store unreachable", [], e.GetType().Name), statusCode: 503);
        }

        var now = time.GetUtcNow();
        var unusable = tokens.Where(t => t.Health.Status is TokenStatus.Expired or TokenStatus.Invalid || t.Current.Data.ExpiresAt <= now).Select(t => t.Name).ToList();
        return unusable.Count == 0
            ? TypedResults.Ok(new Readiness("ready", [], null))
            : TypedResults.Json(new Readiness("tokens unusable", unusable, null), statusCode: 503);
    }

    /// <summary>The readiness answer.</summary>
    public sealed record Readiness(string Status, IReadOnlyList<string> UnusableTokens, string? Error);
}
