using System.Security.Claims;
using Evertoken.Server.Auth;
using Evertoken.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Evertoken.Server.Api;

/// <summary><c>/v1/client-keys</c>: keys apps use for the proxy, sends and token reads. Admin only; a key is shown once.</summary>
public static class ClientKeysApi
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapClientKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/client-keys").WithTags("Client keys").RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapDelete("/{id}", RevokeAsync);
        return group;
    }

    /// <summary>Creates a key (shared by the API and the dashboard).</summary>
    public static async Task<CreatedClientKey> CreateKeyAsync(CreateClientKeyRequest request, IClientKeyStore keys, ITokenStore store, string actor, TimeProvider time, CancellationToken ct)
    {
        var (id, key, hash) = ClientKeySecret.Create();
        var now = time.GetUtcNow();
        var scopes = request.Scopes.Distinct(StringComparer.Ordinal).ToArray();
        var tokens = request.Tokens.Distinct(StringComparer.Ordinal).ToArray();
        await keys.AddAsync(new ClientKey { Id = id, Name = request.Name, Scopes = scopes, Tokens = tokens, SecretHash = hash, CreatedAt = now }, ct);
        await store.AppendAuditAsync(new AuditEntry { At = now, Action = "key.created", Actor = actor, Detail = $"{id} ({request.Name}): {string.Join(',', scopes)} on {string.Join(',', tokens)}" }, ct);
        return new CreatedClientKey(id, request.Name, key, scopes, tokens, now);
    }

    /// <summary>Problems with a key request, by field.</summary>
    public static Dictionary<string, string[]> Validate(CreateClientKeyRequest request)
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            problems["name"] = ["A name is required."];
        }

        if (request.Scopes is not { Count: > 0 } || request.Scopes.Any(s => !ClientKey.KnownScopes.Contains(s)))
        {
            problems["scopes"] = [$"Give one or more of: {string.Join(", ", ClientKey.KnownScopes)}."];
        }

        if (request.Tokens is not { Count: > 0 } || request.Tokens.Any(string.IsNullOrWhiteSpace))
        {
            problems["tokens"] = ["Give the token names the key may use, or \"*\" for all."];
        }

        return problems;
    }

    private static async Task<Ok<List<ClientKeyView>>> ListAsync(IClientKeyStore keys, CancellationToken ct) =>
        TypedResults.Ok((await keys.ListAsync(ct)).Select(k => new ClientKeyView(k.Id, k.Name, k.Scopes, k.Tokens, k.CreatedAt, k.RevokedAt)).ToList());

    private static async Task<Results<Created<CreatedClientKey>, ValidationProblem>> CreateAsync(
        CreateClientKeyRequest request, IClientKeyStore keys, ITokenStore store, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var problems = Validate(request);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var created = await CreateKeyAsync(request, keys, store, user.Actor(), time, ct);
        return TypedResults.Created($"/v1/client-keys/{created.Id}", created);
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> RevokeAsync(string id, IClientKeyStore keys, ClientKeyCache cache, ITokenStore store, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!await keys.RevokeAsync(id, now, ct))
        {
            return TypedResults.NotFound(new ProblemDetails { Title = "No such key", Detail = $"No active client key '{id}'.", Status = 404 });
        }

        cache.Forget(id);
        await store.AppendAuditAsync(new AuditEntry { At = now, Action = "key.revoked", Actor = user.Actor(), Detail = id }, ct);
        return TypedResults.NoContent();
    }
}
