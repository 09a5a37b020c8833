using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using Evertoken.Graph;
using Evertoken.Storage;
using Evertoken.Telemetry;
using Evertoken.Tokens;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// Handles one proxied call: picks the managed token the client key may use, forwards with it, and on a code 190
/// answer refreshes the token (one refresh for a whole burst: <see cref="ITokenKeeper.RefreshAsync"/> is
/// single-flight and skips Meta when a newer version exists) and sends the call once more.
/// </summary>
internal sealed partial class GraphProxyHandler(
    ProxyKeyCheck keyCheck,
    IHttpForwarder forwarder,
    GraphProxyClient client,
    ITokenKeeper keeper,
    RefreshFlights refreshes,
    IOptions<GraphProxyOptions> options,
    IOptions<GraphOptions> graph,
    TimeProvider time,
    ILogger<GraphProxyHandler> logger)
{
    private readonly GraphProxyOptions _options = options.Value;
    private readonly bool _timestampedProof = graph.Value.UseTimestampedProof;
    private readonly ConcurrentDictionary<string, PreparedToken> _prepared = new(StringComparer.Ordinal);

    // Boxed once: the status tag of every call would otherwise box an int.
    private static readonly object[] StatusTags = [.. Enumerable.Range(0, 600).Select(status => (object)status)];

    public async Task HandleAsync(HttpContext context)
    {
        // Refused calls (401/403) are answered before the clock starts, as the authorization middleware did before.
        if (await keyCheck.AuthorizeAsync(context) is not { } key)
        {
            return;
        }

        // Proxied calls are measured by evertoken.proxy.requests/duration; ASP.NET Core's own request histogram (six
        // tags per call) cost about a fifth of the proxy's CPU per call in bench/run-proxy.sh.
        if (context.Features.Get<IHttpMetricsTagsFeature>() is { } hostingMetrics)
        {
            hostingMetrics.MetricsDisabled = true;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await ForwardAsync(context, key);
        }
        finally
        {
            var status = context.Response.StatusCode;
            EvertokenTelemetry.ProxyRequests.Add(1, new KeyValuePair<string, object?>("status", (uint)status < StatusTags.Length ? StatusTags[status] : status));
            EvertokenTelemetry.ProxyDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task ForwardAsync(HttpContext context, ClientKey key)
    {
        var ct = context.RequestAborted;
        var named = context.Request.Headers[GraphProxyApi.TokenHeader].ToString();
        var name = named.Length > 0 ? named : key.Tokens is [var only] && only != "*" ? only : null;
        if (name is null)
        {
            await ProblemAsync(context, 400, "Which token?", $"This client key may use several tokens: name one with the {GraphProxyApi.TokenHeader} header.");
            return;
        }

        if (!key.AllowsToken(name))
        {
            await ProblemAsync(context, 403, "Token not allowed", $"This client key may not use token '{name}'.");
            return;
        }

        CurrentToken current;
        try
        {
            current = await keeper.GetAsync(name, ct);
        }
        catch (KeyNotFoundException)
        {
            await ProblemAsync(context, 404, "No such token", $"No managed token named '{name}'.");
            return;
        }

        // From here on the answer is Meta's (or ours in Graph's shape); an empty upstream 4xx stays empty.
        context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
        context.Request.Path.StartsWithSegments(GraphProxyApi.Prefix, out var path);
        var query = QueryFilter.StripCredentials(context.Request.QueryString);
        var replayable = await PrepareReplayAsync(context, ct);

        var first = Attempt(path, query, current, watchForRejection: replayable);
        if (!await SendAsync(context, first))
        {
            return;
        }

        if (first.Rejection is not { } rejection)
        {
            LogProxied(logger, context.Request.Method, name, current.Version, context.Response.StatusCode);
            return;
        }

        LogRejected(logger, name, current.Version, current.Fingerprint);
        var (outcome, failure) = await refreshes.RefreshAsync(name, current.Version, ct);
        if (failure is not null)
        {
            LogRefreshError(logger, name, failure.GetType().Name, failure.Message);
        }

        if (outcome is not { Current: var next } || next.Version <= current.Version)
        {
            LogNotRetried(logger, name, outcome?.Error?.Message ?? outcome?.Skipped ?? "no newer version");
            await rejection.WriteAsync(context.Response, ct);
            return;
        }

        LogRetrying(logger, name, next.Version, next.Fingerprint);
        context.Response.Clear();
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0;
        }

        await SendAsync(context, Attempt(path, query, next, watchForRejection: false));
    }

    private GraphProxyTransformer Attempt(PathString path, QueryString query, CurrentToken token, bool watchForRejection)
    {
        var prepared = Prepare(token);
        if (token.HasAppSecret && _timestampedProof)
        {
            // The time-stamped proof changes every second: computed per call.
            var now = time.GetUtcNow().ToUnixTimeSeconds();
            query = query.Add("appsecret_proof", token.ProofAt(now)!).Add("appsecret_time", now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            query = query.Add(prepared.ProofQuery);
        }

        return new GraphProxyTransformer(path, query, prepared.Authorization, watchForRejection, _options.MaxInspectedErrorBytes);
    }

    /// <summary>The header and proof of a token version, built on its first call and reused until the version changes.</summary>
    private PreparedToken Prepare(CurrentToken token)
    {
        if (_prepared.TryGetValue(token.Name, out var prepared) && ReferenceEquals(prepared.Token, token))
        {
            return prepared;
        }

        prepared = new PreparedToken(token);
        _prepared[token.Name] = prepared;
        return prepared;
    }

    /// <summary>Sends one attempt; false when it failed and the answer (an error) is already settled.</summary>
    private async Task<bool> SendAsync(HttpContext context, GraphProxyTransformer attempt)
    {
        var error = await forwarder.SendAsync(context, client.DestinationPrefix, client.Invoker, client.Config, attempt);
        if (error == ForwarderError.None)
        {
            return true;
        }

        var exception = context.GetForwarderErrorFeature()?.Exception;
        LogUpstreamFailed(logger, error, client.UpstreamHost, exception?.GetType().Name, exception?.Message);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            // Mid-body failures: the forwarder already cut the connection so the app sees an incomplete answer.
            return false;
        }

        if (error is ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestCreation or ForwarderError.ResponseHeaders)
        {
            var timedOut = error == ForwarderError.RequestTimedOut;
            await GraphErrorBody.WriteProxyErrorAsync(
                context.Response,
                timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                timedOut
                    ? $"Evertoken timed out waiting for the Graph API at {client.UpstreamHost}. Try again later."
                    : $"Evertoken could not reach the Graph API at {client.UpstreamHost}. Try again later.");
        }

        return false;
    }

    /// <summary>
    /// Makes the request body readable twice when it is absent or small (up to <see cref="GraphProxyOptions.MaxReplayBodyBytes"/>,
    /// whether its length is declared or it comes chunked, as .NET's <c>JsonContent</c> sends it); true when it is. The
    /// body is read whole first, so a 190 that arrives before the upload ends still leaves a complete copy. A body found
    /// too big goes upstream whole, streamed, and is not retried.
    /// </summary>
    private async Task<bool> PrepareReplayAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return true;
        }

        var limit = _options.MaxReplayBodyBytes;
        if (request.ContentLength is { } declared && declared > limit)
        {
            return false;
        }

        var copy = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, limit));
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var read = await request.Body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - copy.Length)), ct);
                if (read == 0)
                {
                    copy.Position = 0;
                    request.Body = copy;
                    return true;
                }

                copy.Write(chunk, 0, read);
                if (copy.Length > limit)
                {
                    request.Body = new PrefixedStream(copy.ToArray(), request.Body);
                    return false;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static Task ProblemAsync(HttpContext context, int status, string title, string detail) =>
        TypedResults.Problem(detail, statusCode: status, title: title).ExecuteAsync(context);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxied {Method} with token {Name} v{Version}: {Status}")]
    private static partial void LogProxied(ILogger logger, string method, string name, long version, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Graph rejected token {Name} v{Version} ({Fingerprint}) with code 190; refreshing and retrying once")]
    private static partial void LogRejected(ILogger logger, string name, long version, string fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying the call with token {Name} v{Version} ({Fingerprint})")]
    private static partial void LogRetrying(ILogger logger, string name, long version, string fingerprint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token {Name} could not be refreshed after a 190 ({Reason}); the app gets Meta's answer")]
    private static partial void LogNotRetried(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Refreshing token {Name} after a 190 failed: {Type}: {Message}")]
    private static partial void LogRefreshError(ILogger logger, string name, string type, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxying to the Graph API at {Upstream} failed: {Error} ({Type}: {Message})")]
    private static partial void LogUpstreamFailed(ILogger logger, ForwarderError error, string upstream, string? type, string? message);
}
