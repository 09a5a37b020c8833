using Evertoken.Hosting;
using Evertoken.Server.Auth;
using Evertoken.Server.Hosting;
using Evertoken.Sinks;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using System.Security.Claims;

namespace Evertoken.Server.Api;

/// <summary><c>/v1/tokens</c>: the managed tokens. Admin only, except the audited value read for <c>read-token</c> keys.</summary>
public static class TokensApi
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapTokensApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/tokens").WithTags("Tokens");
        group.MapGet("/", ListAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/{name}", GetAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapPost("/", AddAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapPost("/import", ImportAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapPost("/{name}/rotate", RotateAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapPost("/{name}/check", CheckAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/{name}/diagnosis", DiagnoseAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/{name}/history", HistoryAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapDelete("/{name}", DeleteAsync).RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/{name}/value", ValueAsync).RequireAuthorization(EvertokenAuth.ReadTokenPolicy);
        return group;
    }

    private static async Task<Ok<List<TokenView>>> ListAsync(ITokenStore store, SinkDispatcher sinks, SinkObserver sinkConfig, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var tokens = await store.ListTokensAsync(ct);
        return TypedResults.Ok(tokens.Select(t => View(t, now, sinks, sinkConfig)).ToList());
    }

    private static async Task<Results<Ok<TokenView>, NotFound<ProblemDetails>>> GetAsync(string name, ITokenStore store, SinkDispatcher sinks, SinkObserver sinkConfig, TimeProvider time, CancellationToken ct) =>
        await store.GetTokenAsync(name, ct) is { } token
            ? TypedResults.Ok(View(token, time.GetUtcNow(), sinks, sinkConfig))
            : NotFound(name);

    private static async Task<Results<Created<TokenView>, Conflict<ProblemDetails>, ValidationProblem>> AddAsync(
        AddTokenRequest request, TokenRegistrar registrar, ITokenStore store, SinkDispatcher sinks, SinkObserver sinkConfig, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var problems = Validate(request.Name, request.Token);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var registration = new TokenRegistration
        {
            Name = request.Name,
            Value = request.Token,
            AppId = request.AppId,
            AppSecret = request.AppSecret,
            PhoneNumberId = request.PhoneNumberId,
            WabaId = request.WabaId,
            Check = request.Check,
        };
        return await RegisterAsync(registration, registrar, store, sinks, sinkConfig, time, user, ct);
    }

    private static async Task<Results<Created<TokenView>, Conflict<ProblemDetails>, ValidationProblem>> ImportAsync(
        ImportTokenRequest request, TokenRegistrar registrar, ITokenStore store, SinkDispatcher sinks, SinkObserver sinkConfig, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var variables = DotEnvReader.Parse(request.DotEnv ?? "");
        var registration = TokenRegistration.FromVariables(request.Name, variables);
        var problems = Validate(request.Name, registration?.Value);
        if (registration is null)
        {
            problems["dotEnv"] = ["No WHATSAPP_ACCESS_TOKEN, ACCESS_TOKEN or SYSTEM_USER_ACCESS_TOKEN in the .env text."];
        }

        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        return await RegisterAsync(registration! with { Check = request.Check }, registrar, store, sinks, sinkConfig, time, user, ct);
    }

    private static async Task<Results<Created<TokenView>, Conflict<ProblemDetails>, ValidationProblem>> RegisterAsync(
        TokenRegistration registration, TokenRegistrar registrar, ITokenStore store, SinkDispatcher sinks, SinkObserver sinkConfig, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await store.GetTokenAsync(registration.Name, ct) is not null)
        {
            return TypedResults.Conflict(new ProblemDetails { Title = "A token with this name exists", Detail = $"Token '{registration.Name}' already exists; delete it first or rotate it.", Status = 409 });
        }

        var added = await registrar.RegisterAsync(registration, user.Actor(), ct);
        return TypedResults.Created($"/v1/tokens/{Uri.EscapeDataString(added.Name)}", View(added, time.GetUtcNow(), sinks, sinkConfig));
    }

    private static async Task<Results<Ok<RotationView>, NotFound<ProblemDetails>>> RotateAsync(string name, ITokenStore store, ITokenKeeper keeper, ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
        await RotateTokenAsync(name, store, keeper, user.Actor(), time, ct) is { } rotation ? TypedResults.Ok(rotation) : NotFound(name);

    /// <summary>Rotates a token now and audits the request (shared by the API and the dashboard); null when there is no such token.</summary>
    internal static async Task<RotationView?> RotateTokenAsync(string name, ITokenStore store, ITokenKeeper keeper, string actor, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetTokenAsync(name, ct) is null)
        {
            return null;
        }

        var outcome = await keeper.RefreshAsync(name, rejectedVersion: null, ct);
        await store.AppendAuditAsync(new AuditEntry { At = time.GetUtcNow(), Action = "token.rotate_requested", Actor = actor, TokenName = name, Detail = outcome.Rotated ? $"version {outcome.Current.Version}" : outcome.Error?.Message ?? outcome.Skipped }, ct);
        return new RotationView(name, outcome.Rotated, outcome.Current.Version, outcome.Current.Fingerprint, outcome.Current.ExpiresAt, outcome.Error?.Message, outcome.Skipped);
    }

    private static async Task<Results<Ok<TokenCheckOutcome>, NotFound<ProblemDetails>>> CheckAsync(string name, ITokenStore store, ITokenKeeper keeper, CancellationToken ct) =>
        await store.GetTokenAsync(name, ct) is null ? NotFound(name) : TypedResults.Ok(await keeper.CheckAsync(name, ct));

    private static async Task<Results<Ok<Diagnosis>, NotFound<ProblemDetails>>> DiagnoseAsync(string name, ITokenStore store, TokenDoctor doctor, CancellationToken ct) =>
        await DiagnoseTokenAsync(name, store, doctor, ct) is { } diagnosis ? TypedResults.Ok(diagnosis) : NotFound(name);

    /// <summary>Runs the doctor on a managed token (shared by the API and the dashboard); null when there is no such token.</summary>
    internal static async Task<Diagnosis?> DiagnoseTokenAsync(string name, ITokenStore store, TokenDoctor doctor, CancellationToken ct)
    {
        if (await store.GetTokenAsync(name, ct) is not { } token)
        {
            return null;
        }

        var app = token.AppId is { } appId ? await store.GetAppAsync(appId, ct) : null;
        return await doctor.DiagnoseAsync(new DoctorRequest
        {
            Token = token.Current.Data.Value,
            AppId = token.AppId,
            AppSecret = app?.AppSecret,
            PhoneNumberId = token.PhoneNumberId,
            WabaId = token.WabaId,
        }, ct);
    }

    private static async Task<Results<Ok<List<VersionView>>, NotFound<ProblemDetails>>> HistoryAsync(string name, ITokenStore store, CancellationToken ct)
    {
        if (await store.GetTokenAsync(name, ct) is null)
        {
            return NotFound(name);
        }

        return TypedResults.Ok(await HistoryOfAsync(name, store, ct));
    }

    /// <summary>The versions of a token as <c>GET history</c> shows them, newest first (shared by the API and the dashboard).</summary>
    internal static async Task<List<VersionView>> HistoryOfAsync(string name, ITokenStore store, CancellationToken ct)
    {
        var history = await store.GetHistoryAsync(name, ct);
        return history.Select(v => new VersionView(v.Number, v.Data.Fingerprint, v.Data.Kind, v.Data.IssuedAt, v.Data.ExpiresAt, v.Data.Source, v.CreatedAt, v.RevokedAt)).ToList();
    }

    private static async Task<Results<NoContent, NotFound<ProblemDetails>>> DeleteAsync(string name, ITokenStore store, ITokenKeeper keeper, ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
        await DeleteTokenAsync(name, store, keeper, user.Actor(), time, ct) ? TypedResults.NoContent() : NotFound(name);

    /// <summary>Deletes a token and its history, evicts it and audits it (shared by the API and the dashboard); false when there was none.</summary>
    internal static async Task<bool> DeleteTokenAsync(string name, ITokenStore store, ITokenKeeper keeper, string actor, TimeProvider time, CancellationToken ct)
    {
        if (!await store.RemoveTokenAsync(name, ct))
        {
            return false;
        }

        keeper.Evict(name);
        await store.AppendAuditAsync(new AuditEntry { At = time.GetUtcNow(), Action = "token.removed", Actor = actor, TokenName = name }, ct);
        return true;
    }

    /// <summary>
    /// The value read as an endpoint. Most reads never get here: <see cref="TokenValueReads.UseTokenValueReads"/> answers
    /// them ahead of routing by the same rules; this serves the shapes it leaves alone (a trailing slash, other casing).
    /// </summary>
    private static async Task<Results<Ok<TokenValueView>, NotFound<ProblemDetails>, ForbidHttpResult>> ValueAsync(string name, AuditWriter audit, ITokenKeeper keeper, ClaimsPrincipal user, HttpResponse response, TimeProvider time, CancellationToken ct)
    {
        if (!user.MayUseToken(name))
        {
            return TypedResults.Forbid();
        }

        CurrentToken current;
        try
        {
            current = await keeper.GetAsync(name, ct);
        }
        catch (KeyNotFoundException)
        {
            return NotFound(name);
        }

        // Queued, committed in a batch behind the answer: a read costs no SQLite commit of its own.
        await audit.AppendAsync(new AuditEntry { At = time.GetUtcNow(), Action = TokenValueReads.AuditAction, Actor = user.Actor(), TokenName = name, Detail = TokenValueReads.AuditDetail(current) }, ct);
        response.Headers.CacheControl = TokenValueReads.CacheControl;
        return TypedResults.Ok(TokenValueReads.View(name, current));
    }

    internal static TokenView View(ManagedToken token, DateTimeOffset now, SinkDispatcher dispatcher, SinkObserver sinkConfig)
    {
        var statuses = dispatcher.Statuses.Where(s => s.TokenName == token.Name).ToDictionary(s => s.Sink, StringComparer.Ordinal);
        var sinks = sinkConfig.SinksOf(token.Name).Select(s => statuses.TryGetValue(s.Name, out var st)
            ? new SinkView(s.Name, s.Sink.Describe, st.State.ToString(), st.LastSuccess, st.LastAttempt, st.LastError)
            : new SinkView(s.Name, s.Sink.Describe, "Idle", null, null, null)).ToList();
        return new TokenView(TokenSummary.Of(token, now), sinks);
    }

    internal static Dictionary<string, string[]> Validate(string? name, string? value)
    {
        var problems = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            problems["name"] = ["Use 1 to 100 letters, digits, '-', '_' or '.'."];
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            problems["token"] = ["The token value is required."];
        }

        return problems;
    }

    internal static NotFound<ProblemDetails> NotFound(string name) =>
        TypedResults.NotFound(new ProblemDetails { Title = "No such token", Detail = $"No managed token named '{name}'.", Status = 404 });

    /// <summary>One version in the history: never the value.</summary>
    public sealed record VersionView(long Number, string Fingerprint, TokenKind Kind, DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt, string Source, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
}
