using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Evertoken.Server.Auth;
using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Evertoken.Telemetry;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Http.Features;

namespace Evertoken.Server.Api.Internal;

/// <summary>
/// Answers <c>GET /v1/tokens/{name}/value</c> without routing, authentication or authorization middleware, by the
/// same rules: the <c>read-token</c> policy (only the key scheme: a live client key with the right, else 401 when there
/// is no identity and 403 for the admin key or a key without the right; the dashboard cookie is not consulted, as the
/// policy does not), then the endpoint's own checks (403 for a token the key may not use, 404 for an unknown one), the
/// <c>token.read</c> audit entry queued before the answer, the JSON body. A cached key and a cached token cost no
/// allocation beyond the audit entry: the body and the audit detail are built once per token version.
/// </summary>
internal sealed partial class TokenValueReader(
    BearerKeyCheck check,
    ITokenKeeper keeper,
    AuditWriter audit,
    TimeProvider time,
    ILogger<TokenValueReader> logger)
{
    private const string Prefix = "/v1/tokens/";
    private const string Suffix = "/value";
    private const string ReadScope = "read-token";
    private const string JsonContentType = "application/json; charset=utf-8";

    // Counted with Interlocked and reported when metrics are collected: a tagged Counter.Add per read went through the
    // OpenTelemetry SDK's tag lookup, about 3% of a read's CPU.
    private static long s_served;
    private static long s_unknown;

    /// <summary><c>evertoken.token.reads</c>, tagged <c>status</c> (200 or 404): the reads that passed the key check,
    /// measured here instead of by ASP.NET Core's request histogram, as the proxy does.</summary>
    private static readonly ObservableCounter<long> Reads = EvertokenTelemetry.Meter.CreateObservableCounter(
        "evertoken.token.reads",
        () => new[]
        {
            new Measurement<long>(Interlocked.Read(ref s_served), new KeyValuePair<string, object?>("status", StatusCodes.Status200OK)),
            new Measurement<long>(Interlocked.Read(ref s_unknown), new KeyValuePair<string, object?>("status", StatusCodes.Status404NotFound)),
        },
        description: "Token value reads by status");

    private readonly ConcurrentDictionary<string, PreparedRead> _prepared = new(StringComparer.Ordinal);

    /// <summary>Answers a value read, or hands any other request to <paramref name="next"/>.</summary>
    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !TryGetName(request.Path.Value, out var name))
        {
            return next(context);
        }

        // The admin reads values only through a read-token key: the admin key is an identity without the right (403).
        var pending = check.CheckAsync(context, ReadScope);
        return pending.IsCompletedSuccessfully
            ? ReadAsync(context, pending.Result, name)
            : ReadWhenCheckedAsync(context, pending, name.ToString());
    }

    /// <summary>
    /// The name in <c>/v1/tokens/{name}/value</c> when the path is exactly that shape: one non-empty segment without an
    /// escape (Kestrel leaves <c>%2F</c> encoded). Any other shape is left to the endpoint, which judges it as before.
    /// </summary>
    internal static bool TryGetName(string? path, out ReadOnlySpan<char> name)
    {
        name = default;
        if (path is null || path.Length <= Prefix.Length + Suffix.Length
            || !path.StartsWith(Prefix, StringComparison.Ordinal) || !path.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return false;
        }

        name = path.AsSpan(Prefix.Length, path.Length - Prefix.Length - Suffix.Length);
        return name.IndexOfAny('/', '%') < 0;
    }

    private async Task ReadWhenCheckedAsync(HttpContext context, ValueTask<BearerKeyCheckResult> pending, string name) =>
        await ReadAsync(context, await pending, name);

    private Task ReadAsync(HttpContext context, BearerKeyCheckResult checkResult, ReadOnlySpan<char> name)
    {
        if (checkResult.Key is not { } key)
        {
            return RefuseAsync(context, checkResult.Status);
        }

        // The name string of an earlier read is reused: no copy of the path segment per read.
        var prepared = _prepared.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var known) ? known : null;
        var tokenName = prepared?.Name ?? name.ToString();
        if (!key.AllowsToken(tokenName))
        {
            return RefuseAsync(context, StatusCodes.Status403Forbidden);
        }

        // Passed the policy's checks: from here the read is counted in evertoken.token.reads; ASP.NET Core's request
        // histogram (six tags per request) would cost a sizeable share of a read.
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } hostingMetrics)
        {
            hostingMetrics.MetricsDisabled = true;
        }

        // Read once: every read of RequestAborted takes Kestrel's abort lock.
        var ct = context.RequestAborted;
        ValueTask<CurrentToken> pending;
        try
        {
            pending = keeper.GetAsync(tokenName, ct);
        }
        catch (KeyNotFoundException)
        {
            return NotFoundAsync(context, tokenName);
        }

        return pending.IsCompletedSuccessfully
            ? AnswerAsync(context, key, tokenName, prepared, pending.Result, ct)
            : AnswerWhenLoadedAsync(context, key, tokenName, pending, ct);
    }

    private async Task AnswerWhenLoadedAsync(HttpContext context, ClientKey key, string name, ValueTask<CurrentToken> pending, CancellationToken ct)
    {
        CurrentToken current;
        try
        {
            current = await pending;
        }
        catch (KeyNotFoundException)
        {
            await NotFoundAsync(context, name);
            return;
        }

        await AnswerAsync(context, key, name, null, current, ct);
    }

    private Task AnswerAsync(HttpContext context, ClientKey key, string name, PreparedRead? prepared, CurrentToken current, CancellationToken ct)
    {
        if (prepared is null && _prepared.TryGetValue(name, out var known))
        {
            prepared = known;
        }

        if (prepared is null || !ReferenceEquals(prepared.Token, current))
        {
            prepared = new PreparedRead(name, current);
            _prepared[name] = prepared;
        }

        // Queued, committed in a batch behind the answer: a read costs no SQLite commit of its own.
        var entry = new AuditEntry { At = time.GetUtcNow(), Action = TokenValueReads.AuditAction, Actor = "key:" + key.Id, TokenName = name, Detail = prepared.AuditDetail };
        var queued = audit.AppendAsync(entry, ct);
        LogRead(logger, name, current.Version, key.Id);
        return queued.IsCompletedSuccessfully ? WriteAsync(context, prepared, ct) : WriteWhenQueuedAsync(context, queued, prepared, ct);
    }

    private static async Task WriteWhenQueuedAsync(HttpContext context, ValueTask queued, PreparedRead prepared, CancellationToken ct)
    {
        await queued;
        await WriteAsync(context, prepared, ct);
    }

    private static Task WriteAsync(HttpContext context, PreparedRead prepared, CancellationToken ct)
    {
        Interlocked.Increment(ref s_served);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.Headers.CacheControl = TokenValueReads.CacheControl;
        response.ContentLength = prepared.Body.Length;
        return response.Body.WriteAsync(prepared.Body, ct).AsTask();
    }

    private Task NotFoundAsync(HttpContext context, string name)
    {
        // A token deleted since: its last answer is not kept in memory.
        _prepared.TryRemove(name, out _);
        Interlocked.Increment(ref s_unknown);
        return TokensApi.NotFound(name).ExecuteAsync(context);
    }

    /// <summary>
    /// The policy's refusal as the status code pages write it for its challenge or forbid: the problem defaults for
    /// the status and the trace id, and on a 401 the key scheme's <c>WWW-Authenticate: Bearer</c>.
    /// </summary>
    private static Task RefuseAsync(HttpContext context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            BearerKeyCheck.AddChallenge(context.Response);
        }

        return TypedResults.Problem(statusCode: status).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Token {Name} v{Version} read by client key {KeyId}")]
    private static partial void LogRead(ILogger logger, string name, long version, string keyId);
}
