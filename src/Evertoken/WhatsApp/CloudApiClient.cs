using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Tokens;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Sends WhatsApp messages through the Cloud API: <c>POST {BaseUrl}/{Version}/{phone-number-id}/messages</c>
/// (reference §2). A typed <see cref="HttpClient"/>: the access token is added by the <c>TokenHandler</c> attached to
/// it, never by this class. Meta's answers, failures included, come back as <see cref="GraphResult{T}"/> values; read
/// <c>result.Error.WhatsAppKind</c> for the WhatsApp meaning (<see cref="WhatsAppErrorKind"/>). Bugs in the input
/// (an invalid message, a bad phone number id) throw.
/// </summary>
public sealed class CloudApiClient
{
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly GraphOptions _options;

    /// <summary>Creates the client over <paramref name="http"/>, calling the Graph base URL and version of <paramref name="options"/>.</summary>
    public CloudApiClient(HttpClient http, IOptions<GraphOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
    }

    /// <summary>
    /// Validates <paramref name="message"/> with <see cref="MessageValidator"/> and sends it from
    /// <paramref name="phoneNumberId"/>. Success means Meta accepted it; delivery is reported later by status webhooks.
    /// </summary>
    /// <exception cref="MessageValidationException">When the message breaks a documented rule (every problem is listed).</exception>
    /// <exception cref="ArgumentException">When <paramref name="phoneNumberId"/> is not a numeric id.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public Task<GraphResult<SendResult>> SendAsync(string phoneNumberId, WhatsAppMessage message, CancellationToken cancellationToken = default) =>
        SendWithTokenAsync(phoneNumberId, message, null, cancellationToken);

    /// <summary>Sends with <paramref name="token"/> (Bearer and <c>appsecret_proof</c>) instead of a handler's token.</summary>
    internal async Task<GraphResult<SendResult>> SendWithTokenAsync(string phoneNumberId, WhatsAppMessage message, TokenCredentials? token, CancellationToken cancellationToken)
    {
        CheckPhoneNumberId(phoneNumberId);
        ArgumentNullException.ThrowIfNull(message);
        MessageValidator.ThrowIfInvalid(message);
        var body = JsonSerializer.SerializeToUtf8Bytes(message, WhatsAppJsonContext.Default.WhatsAppMessage);
        return await PostAsync(phoneNumberId, body, token, static bytes =>
        {
            // A send is reported as sent only with a wamid: anything else is a failure, never a guess.
            var result = JsonSerializer.Deserialize(bytes, WhatsAppJsonContext.Default.SendResult);
            return result is { Messages.Count: > 0 } && !string.IsNullOrEmpty(result.Wamid) ? result : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the inbound message <paramref name="wamid"/> (and every earlier one in that chat) as read, optionally
    /// showing the typing indicator until the reply (at most 25 s). An unknown or too old wamid fails with 131009.
    /// </summary>
    /// <exception cref="ArgumentException">When an argument is empty or <paramref name="phoneNumberId"/> is not numeric.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public Task<GraphResult<bool>> MarkAsReadAsync(string phoneNumberId, string wamid, bool typingIndicator = false, CancellationToken cancellationToken = default) =>
        MarkAsReadWithTokenAsync(phoneNumberId, wamid, typingIndicator, null, cancellationToken);

    /// <summary>Marks as read with <paramref name="token"/> instead of a handler's token.</summary>
    internal async Task<GraphResult<bool>> MarkAsReadWithTokenAsync(string phoneNumberId, string wamid, bool typingIndicator, TokenCredentials? token, CancellationToken cancellationToken)
    {
        CheckPhoneNumberId(phoneNumberId);
        ArgumentException.ThrowIfNullOrWhiteSpace(wamid);
        var body = JsonSerializer.SerializeToUtf8Bytes(WhatsAppMessage.MarkAsRead(wamid, typingIndicator), WhatsAppJsonContext.Default.WhatsAppMessage);
        var result = await PostAsync<SuccessResponse>(phoneNumberId, body, token,
            static bytes => JsonSerializer.Deserialize(bytes, WhatsAppWireJsonContext.Default.SuccessResponse), cancellationToken).ConfigureAwait(false);
        return result.Map(r => r.Success);
    }

    /// <summary>
    /// Posts <paramref name="body"/> as is (pasted JSON, or message types this library does not model) and returns
    /// Meta's answer as JSON. No validation beyond "a JSON object"; Meta's own checks apply.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="body"/> is not a JSON object or <paramref name="phoneNumberId"/> is not numeric.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled.</exception>
    public Task<GraphResult<JsonElement>> SendRawAsync(string phoneNumberId, JsonElement body, CancellationToken cancellationToken = default) =>
        SendRawWithTokenAsync(phoneNumberId, body, null, cancellationToken);

    /// <summary>Posts a raw body with <paramref name="token"/> instead of a handler's token.</summary>
    internal async Task<GraphResult<JsonElement>> SendRawWithTokenAsync(string phoneNumberId, JsonElement body, TokenCredentials? token, CancellationToken cancellationToken)
    {
        CheckPhoneNumberId(phoneNumberId);
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The message body must be a JSON object, not {body.ValueKind}.", nameof(body));
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, WhatsAppJsonContext.Default.JsonElement);
        var result = await PostAsync<JsonElementBox>(phoneNumberId, bytes, token, static response =>
        {
            using var document = JsonDocument.Parse(response);
            return new JsonElementBox(document.RootElement.Clone());
        }, cancellationToken).ConfigureAwait(false);
        return result.Map(box => box.Value);
    }

    private async Task<GraphResult<T>> PostAsync<T>(string phoneNumberId, byte[] body, TokenCredentials? token, Func<byte[], T?> parse, CancellationToken cancellationToken)
        where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUri(phoneNumberId, token))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token.Value);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                return GraphErrorReader.Read(bytes, status, response.ReasonPhrase);
            }

            T? value = null;
            try
            {
                value = parse(bytes);
            }
            catch (JsonException)
            {
                // Reported below as an unexpected answer.
            }

            return value is not null
                ? GraphResult<T>.Success(value)
                : GraphError.From(0, null, $"Graph answered HTTP {status} with a body that is not the expected response.", status);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return GraphError.Unreachable($"No answer from the Graph API within {_options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            return GraphError.Unreachable($"The Graph API could not be reached: {ex.Message}");
        }
    }

    private Uri MessagesUri(string phoneNumberId, TokenCredentials? token)
    {
        var baseUrl = _options.BaseUrl.AbsoluteUri.EndsWith('/') ? _options.BaseUrl : new Uri(_options.BaseUrl.AbsoluteUri + "/");
        var version = _options.Version.Trim('/');
        var path = version.Length == 0 ? $"{phoneNumberId}/messages" : $"{version}/{phoneNumberId}/messages";

        // The proof is an HMAC of the token, safe in a URL (unlike the token, which only travels in the header).
        if (token?.ProofTime is { } time && token.Token.ProofAt(time) is { } timedProof)
        {
            path += $"?appsecret_proof={timedProof}&appsecret_time={time.ToString(CultureInfo.InvariantCulture)}";
        }
        else if (token?.Token.Proof is { } proof)
        {
            path += "?appsecret_proof=" + proof;
        }

        return new Uri(baseUrl, path);
    }

    private static void CheckPhoneNumberId(string phoneNumberId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phoneNumberId);
        if (!phoneNumberId.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("A phone number id is numeric (e.g. 106540352242922), not the phone number itself.", nameof(phoneNumberId));
        }
    }

    private sealed record JsonElementBox(JsonElement Value);

    /// <summary>The token a call carries, and the time for a time-stamped proof (null: the classic proof).</summary>
    internal sealed record TokenCredentials(CurrentToken Token, long? ProofTime);
}
