using System.Globalization;
using System.Net;
using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Tokens;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evertoken.Http;

/// <summary>
/// Puts the current managed token on every request of an <see cref="HttpClient"/> to the Graph API: the bearer header,
/// and <c>appsecret_proof</c> in the query when the app secret is known (any <c>access_token</c>, <c>appsecret_proof</c>
/// or <c>appsecret_time</c> already in the query is replaced). When Graph answers with error 190 (expired or
/// invalidated token) it renews the token once, single-flight through <see cref="ITokenKeeper.RefreshAsync"/> (a burst
/// of 190s is one renewal), and retries the request once with the new token. A request whose body cannot be sent twice
/// (a <see cref="StreamContent"/>) is not retried: the caller gets Meta's 190 answer, and the renewal still happens so
/// the caller's own retry works. Async only: the synchronous <c>Send</c> throws <see cref="NotSupportedException"/>.
/// Attach it with <c>AddEvertokenHandler(tokenName)</c> on an <see cref="Microsoft.Extensions.DependencyInjection.IHttpClientBuilder"/>.
/// </summary>
public sealed partial class TokenHandler : DelegatingHandler
{
    // Meta's error envelopes are a few hundred bytes; anything much larger is not one.
    private const long MaxErrorBodyBytes = 64 * 1024;
    private const int InvalidTokenCode = 190;
    private const string AuthorizationHeader = "Authorization";

    private readonly ITokenKeeper _keeper;
    private readonly bool _timestampedProof;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private PreparedToken? _prepared;

    /// <summary>Creates a handler for the managed token <paramref name="tokenName"/> sending the classic proof.</summary>
    /// <exception cref="ArgumentException">When <paramref name="tokenName"/> is empty.</exception>
    public TokenHandler(ITokenKeeper keeper, string tokenName)
        : this(keeper, tokenName, null, null, null)
    {
    }

    /// <summary>Creates a handler for the managed token <paramref name="tokenName"/>.</summary>
    /// <param name="keeper">Hands out the current token and renews it.</param>
    /// <param name="tokenName">The managed token's name.</param>
    /// <param name="graphOptions">Read for <see cref="GraphOptions.UseTimestampedProof"/>. Default: the classic proof.</param>
    /// <param name="timeProvider">The clock for time-stamped proofs. Default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Logs renewals caused by a 190. Default: none.</param>
    /// <exception cref="ArgumentException">When <paramref name="tokenName"/> is empty.</exception>
    public TokenHandler(ITokenKeeper keeper, string tokenName, GraphOptions? graphOptions, TimeProvider? timeProvider, ILogger<TokenHandler>? logger)
    {
        ArgumentNullException.ThrowIfNull(keeper);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenName);
        _keeper = keeper;
        TokenName = tokenName;
        _timestampedProof = graphOptions?.UseTimestampedProof ?? false;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The managed token this handler uses.</summary>
    public string TokenName { get; }

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">Always: the token may need a network call to renew, so only SendAsync is offered.</exception>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("TokenHandler is async only: use SendAsync.");

    /// <inheritdoc />
    /// <exception cref="KeyNotFoundException">When no managed token has this handler's name (a configuration bug).</exception>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var token = await _keeper.GetAsync(TokenName, cancellationToken).ConfigureAwait(false);
        Apply(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!await IsInvalidTokenAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        RefreshOutcome outcome;
        try
        {
            outcome = await _keeper.RefreshAsync(TokenName, token.Version, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (outcome.Current.Version == token.Version)
        {
            // No newer token to try (the renewal failed or this kind cannot be renewed): the caller gets Meta's answer.
            LogNoNewerToken(_logger, TokenName, token.Version, outcome.Error?.Message ?? outcome.Skipped ?? "no newer version");
            return response;
        }

        if (!IsReplayable(request.Content))
        {
            LogNotReplayable(_logger, TokenName, token.Version, outcome.Current.Version);
            return response;
        }

        LogRetrying(_logger, TokenName, token.Version, outcome.Current.Version);
        response.Dispose();
        Apply(request, outcome.Current);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private void Apply(HttpRequestMessage request, CurrentToken token)
    {
        // Hot path: the header value and the proof parameter are built once per token version, not per request.
        var prepared = _prepared;
        if (prepared is null || !ReferenceEquals(prepared.Token, token))
        {
            prepared = new PreparedToken(token, "Bearer " + token.Value, token.Proof is { } proof ? "appsecret_proof=" + proof : null);
            _prepared = prepared;
        }

        var proofParameter = prepared.ProofParameter;
        if (_timestampedProof && token.HasAppSecret)
        {
            var now = _time.GetUtcNow().ToUnixTimeSeconds();
            proofParameter = string.Concat("appsecret_proof=", token.ProofAt(now), "&appsecret_time=", now.ToString(CultureInfo.InvariantCulture));
        }

        Apply(request, prepared.Authorization, proofParameter);
    }

    /// <summary>Sets the bearer header and the proof parameters. Most requests take the fast path: the query has none
    /// of our parameters yet, so they are appended without parsing the query.</summary>
    internal static void Apply(HttpRequestMessage request, string authorization, string? proofParameter)
    {
        // Stored as the raw value: no AuthenticationHeaderValue to format again for every request on the wire.
        request.Headers.Authorization = null;
        request.Headers.TryAddWithoutValidation(AuthorizationHeader, authorization);
        if (request.RequestUri is not { } uri)
        {
            return;
        }

        // HttpClient builds an absolute URI from BaseAddress, whose original string is the full address: no re-escaping needed.
        var text = uri.OriginalString;
        var queryStart = text.IndexOf('?', StringComparison.Ordinal);
        var hasOurs = queryStart >= 0
            && (text.IndexOf("access_token", queryStart, StringComparison.Ordinal) >= 0 || text.IndexOf("appsecret_", queryStart, StringComparison.Ordinal) >= 0);
        if (proofParameter is null && !hasOurs)
        {
            return;
        }

        string rebuilt;
        if (!hasOurs && !text.Contains('#', StringComparison.Ordinal))
        {
            var separator = queryStart < 0 ? "?" : queryStart == text.Length - 1 || text.EndsWith('&') ? "" : "&";
            rebuilt = string.Concat(text, separator, proofParameter);
        }
        else
        {
            rebuilt = Rebuild(text, proofParameter);
        }

        request.RequestUri = new Uri(rebuilt, uri.IsAbsoluteUri ? UriKind.Absolute : UriKind.Relative);
    }

    private static string Rebuild(string text, string? ours)
    {
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        var fragment = hash >= 0 ? text[hash..] : "";
        var withoutFragment = hash >= 0 ? text[..hash] : text;
        var queryStart = withoutFragment.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart >= 0 ? withoutFragment[..queryStart] : withoutFragment;
        List<string> kept = queryStart < 0 ? [] : withoutFragment[(queryStart + 1)..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsOurs(p))
            .ToList();
        if (ours is not null)
        {
            kept.Add(ours);
        }

        return kept.Count == 0 ? path + fragment : string.Concat(path, "?", string.Join('&', kept), fragment);
    }

    private static bool IsOurs(string parameter)
    {
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        var name = equals < 0 ? parameter : parameter[..equals];
        return name is "access_token" or "appsecret_proof" or "appsecret_time";
    }

    /// <summary>True when the body can be sent again as it was: buffered contents, and multipart made only of those.</summary>
    internal static bool IsReplayable(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent or ReadOnlyMemoryContent or System.Net.Http.Json.JsonContent => true,
        MultipartContent multipart => multipart.All(IsReplayable),
        _ => false,
    };

    /// <summary>True for Graph error code 190, whatever the status (Meta answers 400; WhatsApp's OpenAPI examples say 401).
    /// The error body is buffered, so the caller can still read it.</summary>
    private static async Task<bool> IsInvalidTokenAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            || response.Content.Headers.ContentLength is > MaxErrorBodyBytes)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync(ct).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.Number
                && code.TryGetInt32(out var value)
                && value == InvalidTokenCode;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What a token version puts on a request, computed once per version.</summary>
    private sealed record PreparedToken(CurrentToken Token, string Authorization, string? ProofParameter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Graph rejected token {Name} version {Version} (code 190); retrying once with version {NewVersion}")]
    private static partial void LogRetrying(ILogger logger, string name, long version, long newVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Graph rejected token {Name} version {Version} (code 190) and no newer version could be had: {Reason}")]
    private static partial void LogNoNewerToken(ILogger logger, string name, long version, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Graph rejected token {Name} version {Version} (code 190); version {NewVersion} is ready but the request body cannot be sent twice, so the caller gets the error")]
    private static partial void LogNotReplayable(ILogger logger, string name, long version, long newVersion);
}
