using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Evertoken.Emulator.Netlify;

/// <summary>Serves a <see cref="NetlifyFake"/> over HTTP.</summary>
public static class NetlifyFakeEndpoints
{
    /// <summary>The path prefix of the fake API, standing for <c>https://api.netlify.com/api/v1</c>.</summary>
    public const string ApiPrefix = "/netlify/api/v1";

    /// <summary>The path prefix of build hooks, standing for <c>https://api.netlify.com/build_hooks</c>.</summary>
    public const string BuildHookPrefix = "/netlify/build_hooks";

    /// <summary>
    /// Maps the fake: the env API (list, get, create, set one context, replace, delete, delete one value), the site
    /// builds API, site deploys and build hooks, under <see cref="ApiPrefix"/> and <see cref="BuildHookPrefix"/>.
    /// Calls need <c>Authorization: Bearer &lt;token&gt;</c> with a token added by <see cref="NetlifyFake.AddAccount"/>
    /// (401 otherwise); build hooks need none.
    /// </summary>
    public static IEndpointRouteBuilder MapNetlifyFake(this IEndpointRouteBuilder app, NetlifyFake fake)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fake);

        var api = app.MapGroup(ApiPrefix).AddEndpointFilter(Inject(fake));
        api.MapGet("/accounts/{accountId}/env", (string accountId, [FromQuery(Name = "site_id")] string? siteId,
            [FromQuery(Name = "context_name")] string? contextName, HttpContext http) =>
            Guard(fake, http, accountId, siteId) ?? Results.Json(fake.List(accountId, siteId, contextName)));

        api.MapGet("/accounts/{accountId}/env/{key}", (string accountId, string key,
            [FromQuery(Name = "site_id")] string? siteId, HttpContext http) =>
            Guard(fake, http, accountId, siteId)
            ?? (fake.Find(accountId, siteId, key) is { } variable ? Results.Json(variable) : Error(404, "Not Found")));

        api.MapPost("/accounts/{accountId}/env", (string accountId, [FromQuery(Name = "site_id")] string? siteId,
            List<NetlifyVariableInput> body, HttpContext http) =>
        {
            if (Guard(fake, http, accountId, siteId) is { } denied)
            {
                return denied;
            }

            var inputs = new List<(string, List<string>, List<NetlifyFake.ValueInput>, bool)>();
            foreach (var input in body)
            {
                if (string.IsNullOrWhiteSpace(input.Key))
                {
                    return Error(400, "key is required");
                }

                if (Values(input.Values ?? [], input.IsSecret, out var values) is { } invalid)
                {
                    return invalid;
                }

                inputs.Add((input.Key, input.Scopes is { Count: > 0 } scopes ? scopes : ["builds", "functions", "runtime", "post-processing"],
                    values, input.IsSecret));
            }

            // REVIEW: the status for an existing key is assumed (400); the reference does not say.
            var (created, error) = fake.Create(accountId, siteId, inputs);
            return created is null ? Error(400, error!) : Results.Json(created, statusCode: StatusCodes.Status201Created);
        });

        api.MapMethods("/accounts/{accountId}/env/{key}", ["PATCH"], (string accountId, string key,
            [FromQuery(Name = "site_id")] string? siteId, NetlifyValueInput body, HttpContext http) =>
        {
            if (Guard(fake, http, accountId, siteId) is { } denied)
            {
                return denied;
            }

            var secret = fake.Find(accountId, siteId, key)?.IsSecret ?? false;
            if (Values([body], secret, out var values) is { } invalid)
            {
                return invalid;
            }

            return fake.SetValue(accountId, siteId, key, values[0]) is { } variable
                ? Results.Json(variable, statusCode: StatusCodes.Status201Created)
                : Error(404, "Not Found");
        });

        api.MapPut("/accounts/{accountId}/env/{key}", (string accountId, string key,
            [FromQuery(Name = "site_id")] string? siteId, NetlifyVariableInput body, HttpContext http) =>
        {
            if (Guard(fake, http, accountId, siteId) is { } denied)
            {
                return denied;
            }

            if (Values(body.Values ?? [], body.IsSecret, out var values) is { } invalid)
            {
                return invalid;
            }

            var scopes = body.Scopes is { Count: > 0 } given ? given : ["builds", "functions", "runtime", "post-processing"];
            return fake.Replace(accountId, siteId, key, scopes, values, body.IsSecret) is { } variable
                ? Results.Json(variable)
                : Error(404, "Not Found");
        });

        api.MapDelete("/accounts/{accountId}/env/{key}", (string accountId, string key,
            [FromQuery(Name = "site_id")] string? siteId, HttpContext http) =>
            Guard(fake, http, accountId, siteId)
            ?? (fake.Delete(accountId, siteId, key) ? Results.NoContent() : Error(404, "Not Found")));

        api.MapDelete("/accounts/{accountId}/env/{key}/value/{valueId}", (string accountId, string key, string valueId,
            [FromQuery(Name = "site_id")] string? siteId, HttpContext http) =>
            Guard(fake, http, accountId, siteId)
            ?? (fake.DeleteValue(accountId, siteId, key, valueId) ? Results.NoContent() : Error(404, "Not Found")));

        // The body ({"clear_cache":false}) is optional and changes nothing here, so it is not read.
        api.MapPost("/sites/{siteId}/builds", (string siteId, HttpContext http) =>
            GuardSite(fake, http, siteId) ?? Results.Json(fake.StartBuild(siteId)));

        api.MapGet("/sites/{siteId}/builds", (string siteId, HttpContext http) =>
            GuardSite(fake, http, siteId) ?? Results.Json(fake.BuildsOf(siteId)));

        api.MapGet("/sites/{siteId}/deploys/{deployId}", (string siteId, string deployId, HttpContext http) =>
            GuardSite(fake, http, siteId)
            ?? (fake.FindDeploy(siteId, deployId) is { } deploy ? Results.Json(deploy) : Error(404, "Not Found")));

        // A build hook needs no token (its URL is the secret) and answers 200 with an empty body.
        app.MapGroup(BuildHookPrefix).AddEndpointFilter(Inject(fake))
            .MapPost("/{hookId}", (string hookId) => fake.CallHook(hookId) ? Results.Ok() : Error(404, "Not Found"));

        return app;
    }

    private static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Inject(NetlifyFake fake) =>
        async (context, next) =>
        {
            var request = context.HttpContext.Request;
            if (fake.Record($"{request.Method} {request.Path}{request.QueryString}") is { } failure)
            {
                if (failure.StatusCode == StatusCodes.Status429TooManyRequests)
                {
                    var reset = fake.TimeProvider.GetUtcNow().Add(failure.RetryAfter).ToUnixTimeSeconds();
                    var headers = context.HttpContext.Response.Headers;
                    headers["X-RateLimit-Limit"] = "500";
                    headers["X-RateLimit-Remaining"] = "0";
                    headers["X-RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
                    return Error(429, "Rate limit exceeded");
                }

                return Error(failure.StatusCode, "Injected failure");
            }

            return await next(context);
        };

    private static IResult? Guard(NetlifyFake fake, HttpContext http, string accountId, string? siteId)
    {
        if (!fake.TokenCanUseAccount(Bearer(http), accountId))
        {
            return Error(401, "Access Denied: the bearer token is not valid for this account");
        }

        return fake.SiteBelongsTo(siteId, accountId) ? null : Error(404, "Not Found");
    }

    private static IResult? GuardSite(NetlifyFake fake, HttpContext http, string siteId)
    {
        var account = fake.AccountOfSite(siteId);
        if (account is not null && fake.TokenCanUseAccount(Bearer(http), account))
        {
            return null;
        }

        // An unknown site looks the same as a forbidden one only when the token is bad; a good token gets a 404.
        return account is null && Bearer(http) is not null ? Error(404, "Not Found") : Error(401, "Access Denied");
    }

    private static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static IResult? Values(List<NetlifyValueInput> inputs, bool isSecret, out List<NetlifyFake.ValueInput> values)
    {
        values = [];
        foreach (var input in inputs)
        {
            if (input.Context is null || !NetlifyFake.Contexts.Contains(input.Context))
            {
                return Error(400, $"context must be one of {string.Join(", ", NetlifyFake.Contexts)}");
            }

            if (input.Context == "branch" && string.IsNullOrEmpty(input.ContextParameter))
            {
                return Error(400, "context_parameter is required for the branch context");
            }

            // Reference: secret values may not target the dev context.
            if (isSecret && input.Context == "dev")
            {
                return Error(400, "secret values cannot be set for the dev context");
            }

            values.Add(new NetlifyFake.ValueInput(
                input.Context, input.Context == "branch" ? input.ContextParameter! : string.Empty, input.Value ?? string.Empty));
        }

        return null;
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new NetlifyErrorDto(status, message), statusCode: status);
}
