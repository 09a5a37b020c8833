using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Evertoken.Tokens;

namespace Evertoken.Graph.Internal;

/// <summary>Reads a successful body into a value; false when the body is not the expected shape.</summary>
internal delegate bool SuccessReader<T>(ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out T value);

/// <summary>
/// Sends <see cref="GraphRequest"/>s: builds the versioned URL, the bearer header and <c>appsecret_proof</c>, applies
/// <see cref="GraphOptions.Timeout"/>, and turns every outcome except the caller's cancellation into a
/// <see cref="GraphResult{T}"/>.
/// </summary>
internal sealed class GraphTransport
{
    /// <summary>Items asked for per page on paged edges (Meta allows up to 100 on phone_numbers).</summary>
    internal const int PageSize = 100;

    /// <summary>Pages read at most on one paged edge, so a server that always answers "next" cannot loop us forever.</summary>
    internal const int MaxPages = 50;

    private readonly HttpClient _http;
    private readonly GraphOptions _options;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly string _displayBase;

    public GraphTransport(HttpClient http, GraphOptions options, TimeProvider time)
    {
        _http = http;
        _options = options;
        _time = time;
        var baseUrl = options.BaseUrl.AbsoluteUri;
        var version = options.Version?.Trim('/') ?? "";
        _root = (baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/") + (version.Length == 0 ? "" : version + "/");
        // Never show user info (user:password@) a base URL might carry.
        _displayBase = options.BaseUrl.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
    }

    public async Task<GraphResult<T>> SendAsync<T>(GraphRequest request, SuccessReader<T> readSuccess, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        using var timeout = HasTimeout ? new CancellationTokenSource(_options.Timeout, _time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);

        int status;
        byte[] body;
        GraphUsage? usage;
        try
        {
            using var message = BuildMessage(request);
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            usage = GraphUsage.From(response.Headers);
            body = await response.Content.ReadAsByteArrayAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested)
        {
            // The caller gave up: that is not a Graph outcome, so it stays an exception, tied to the caller's token.
            throw new OperationCanceledException("The Graph call was cancelled.", ex, ct);
        }
        catch (OperationCanceledException)
        {
            // Our timeout, or HttpClient.Timeout: Meta did not answer in time.
            var after = HasTimeout
                ? $"no answer within {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
                : "no answer before the HTTP client's timeout";
            return GraphResult<T>.Failure(Unreachable(request, after));
        }
        catch (HttpRequestException ex)
        {
            return GraphResult<T>.Failure(Unreachable(request, ReasonOf(ex)));
        }
        catch (IOException ex)
        {
            return GraphResult<T>.Failure(Unreachable(request, ex.Message));
        }

        GraphResult<T> result;
        if (status is >= 200 and < 300)
        {
            result = TryRead(readSuccess, body, out var value)
                ? GraphResult<T>.Success(value)
                : GraphResult<T>.Failure(GraphResponses.TryReadError(body, status) ?? UnexpectedBody(request, status));
        }
        else
        {
            result = GraphResult<T>.Failure(GraphResponses.ReadError(body, status));
        }

        return result.WithUsage(usage);
    }

    /// <summary>
    /// Reads every page of a cursor-paged edge. Meta leaves <c>paging.next</c> out on the last page, so that is the stop
    /// signal; the next page is asked for with <c>after={paging.cursors.after}</c> (not by following <c>next</c>,
    /// whose URL carries the access token). Stops after <see cref="MaxPages"/> pages or when a cursor repeats.
    /// https://developers.facebook.com/docs/graph-api/results
    /// </summary>
    public async Task<GraphResult<IReadOnlyList<TItem>>> GetAllPagesAsync<TDto, TItem>(
        Func<string?, GraphRequest> pageRequest,
        JsonTypeInfo<GraphPage<TDto>> typeInfo,
        Func<TDto, TItem?> map,
        CancellationToken ct)
        where TItem : class
    {
        var items = new List<TItem>();
        var seenCursors = new HashSet<string>(StringComparer.Ordinal);
        GraphUsage? usage = null;
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await SendAsync(pageRequest(after), Json(typeInfo), ct).ConfigureAwait(false);
            usage = result.Usage ?? usage;
            if (!result.IsSuccess)
            {
                return GraphResult<IReadOnlyList<TItem>>.Failure(result.Error).WithUsage(usage);
            }

            foreach (var dto in result.Value.Data ?? [])
            {
                if (dto is not null && map(dto) is { } item)
                {
                    items.Add(item);
                }
            }

            after = NextCursor(result.Value.Paging);
            if (after is null || !seenCursors.Add(after))
            {
                break;
            }
        }

        return GraphResult<IReadOnlyList<TItem>>.Success(items.AsReadOnly()).WithUsage(usage);
    }

    /// <summary>A reader that deserializes the body with <paramref name="typeInfo"/>.</summary>
    public static SuccessReader<T> Json<T>(JsonTypeInfo<T> typeInfo) where T : class =>
        (ReadOnlyMemory<byte> body, [MaybeNullWhen(false)] out T value) =>
        {
            value = JsonSerializer.Deserialize(body.Span, typeInfo);
            return value is not null;
        };

    private bool HasTimeout => _options.Timeout > TimeSpan.Zero && _options.Timeout != Timeout.InfiniteTimeSpan;

    private HttpRequestMessage BuildMessage(GraphRequest request)
    {
        var query = new List<KeyValuePair<string, string>>(request.Query);
        var form = request.Form is null ? null : new List<KeyValuePair<string, string>>(request.Form);
        if (request.BearerToken is { } token && request.AppSecret is { } secret)
        {
            // With a form body the proof travels with the other fields (as the system-user docs show it);
            // otherwise in the query. It is an HMAC, safe to appear in a URL, unlike the token.
            var target = form ?? query;
            if (_options.UseTimestampedProof)
            {
                var now = _time.GetUtcNow().ToUnixTimeSeconds();
                target.Add(new("appsecret_proof", AppSecretProof.Compute(secret, token, now)));
                target.Add(new("appsecret_time", now.ToString(CultureInfo.InvariantCulture)));
            }
            else
            {
                target.Add(new("appsecret_proof", AppSecretProof.Compute(secret, token)));
            }
        }

        var message = new HttpRequestMessage(request.Method, new Uri(_root + request.Path + QueryString(query)));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (request.BearerToken is { } bearer)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (form is not null)
        {
            message.Content = new FormUrlEncodedContent(form);
        }

        return message;
    }

    private static string QueryString(List<KeyValuePair<string, string>> query)
    {
        if (query.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder();
        foreach (var (name, value) in query)
        {
            sb.Append(sb.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return sb.ToString();
    }

    private static bool TryRead<T>(SuccessReader<T> read, byte[] body, [MaybeNullWhen(false)] out T value)
    {
        try
        {
            return read(body, out value);
        }
        catch (JsonException)
        {
            value = default;
            return false;
        }
    }

    private static string? NextCursor(GraphPaging? paging)
    {
        if (paging?.Next is not { Length: > 0 } next)
        {
            return null;
        }

        if (paging.Cursors?.After is { Length: > 0 } after)
        {
            return after;
        }

        // "next" without cursors: take its "after" parameter.
        return Uri.TryCreate(next, UriKind.Absolute, out var uri)
            ? System.Web.HttpUtility.ParseQueryString(uri.Query)["after"] is { Length: > 0 } a ? a : null
            : null;
    }

    private GraphError Unreachable(GraphRequest request, string reason) =>
        GraphError.Unreachable($"Could not reach the Graph API at {_displayBase}: {Scrub(reason, request)}");

    private GraphError UnexpectedBody(GraphRequest request, int status) => GraphError.From(
            0,
            null,
            $"The Graph API at {_displayBase} answered HTTP {status} to {request.Method} /{_options.Version}/{request.Path} with a body that is not the expected JSON.",
            status)
        // A garbled success (a proxy page, a truncated body) is an outage rather than a bad request: retry later.
        with { Kind = GraphErrorKind.Transient };

    private static string ReasonOf(HttpRequestException ex)
    {
        // The innermost message names the cause ("Connection refused (127.0.0.1:5)"); the outer one may repeat it.
        var inner = ex.InnerException;
        while (inner?.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner is null || ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? ex.Message : $"{ex.Message} ({inner.Message})";
    }

    /// <summary>Replaces any token or secret of the request that a lower layer might have echoed by its fingerprint.</summary>
    private static string Scrub(string text, GraphRequest request)
    {
        foreach (var secret in request.Secrets)
        {
            text = text.Replace(secret, TokenFingerprint.Of(secret), StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(secret), TokenFingerprint.Of(secret), StringComparison.Ordinal);
        }

        return text;
    }
}
