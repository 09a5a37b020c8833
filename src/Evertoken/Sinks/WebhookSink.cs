using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Evertoken.Sinks.Internal;

namespace Evertoken.Sinks;

/// <summary>
/// Tells an endpoint of yours that a token rotated: a signed JSON POST
/// <c>{"event":"token.rotated","name","version","fingerprint","kind","expires_at"}</c>, plus <c>"value"</c> when
/// <see cref="WebhookSinkOptions.IncludeValue"/> is on. <c>kind</c> is the <see cref="Tokens.TokenKind"/> name
/// (e.g. <c>SystemUser</c>), <c>expires_at</c> ISO 8601 or null for never. The request is signed as
/// <see cref="WebhookSinkSignature"/> describes.
/// Outcomes: 2xx success; 408, 429 and 5xx, a timeout or a network failure transient; any other status permanent.
/// </summary>
public sealed class WebhookSink : ITokenSink
{
    private readonly HttpClient _http;
    private readonly WebhookSinkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Uri _url;

    /// <summary>Creates the sink.</summary>
    /// <param name="http">The HTTP client (from <c>IHttpClientFactory</c>).</param>
    /// <param name="options">Settings.</param>
    /// <param name="timeProvider">The clock for the signed timestamp; the system clock when null.</param>
    /// <exception cref="ArgumentException">The options are not usable (the message lists every problem).</exception>
    public WebhookSink(HttpClient http, WebhookSinkOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _http = http;
        _options = options;
        _url = options.Url!;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    // Scheme, host, port and path: never user info or a query, which may hold credentials.
    public string Describe => $"webhook:{_url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)}";

    /// <inheritdoc />
    public async Task<SinkResult> PushAsync(TokenPush push, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(push);
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new TokenRotatedEvent(
                "token.rotated",
                push.Name,
                push.Version,
                push.Fingerprint,
                push.Kind.ToString(),
                push.ExpiresAt,
                _options.IncludeValue ? push.Value : null),
            SinkJsonContext.Default.TokenRotatedEvent);

        var timestamp = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSinkSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSinkSignature.SignatureHeader, WebhookSinkSignature.Compute(_options.Secret, timestamp, body));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => SinkResult.Ok,
                (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500 =>
                    SinkResult.Transient($"The webhook {Describe} answered HTTP {status}; will retry."),
                _ => SinkResult.Permanent(
                    $"The webhook {Describe} refused the push with HTTP {status}; check its URL and that it verifies the signature with the same secret."),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SinkResult.Transient($"The webhook {Describe} did not answer within {_options.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            return SinkResult.Transient($"Could not reach the webhook {Describe} ({ex.HttpRequestError}).");
        }
    }
}
