using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Tokens;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Sends WhatsApp messages with a managed token: the token comes from <see cref="ITokenKeeper.GetAsync"/> (Bearer, plus
/// <c>appsecret_proof</c> when the app secret is known), each call first takes its turn in the phone number's
/// <see cref="MessageThrottle"/>, and when Meta rejects the token (190, or another token error) the keeper refreshes it
/// once (<see cref="ITokenKeeper.RefreshAsync"/> with the rejected version, so a burst of rejections makes one
/// refresh) and the call is retried once with the new version. Nothing else is retried: a timeout may have sent the
/// message, so it is reported as a failure, never as sent and never sent twice.
/// Meta's answers are <see cref="GraphResult{T}"/> values; input bugs throw like <see cref="CloudApiClient"/>.
/// </summary>
public sealed class ManagedCloudApiClient
{
    private readonly CloudApiClient _client;
    private readonly ITokenKeeper _keeper;
    private readonly MessageThrottle _throttle;
    private readonly GraphOptions _graph;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the client over a <see cref="CloudApiClient"/> whose HttpClient carries no token handler.</summary>
    public ManagedCloudApiClient(CloudApiClient client, ITokenKeeper keeper, MessageThrottle throttle, IOptions<GraphOptions> graphOptions,
        TimeProvider timeProvider, ILogger<ManagedCloudApiClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(keeper);
        ArgumentNullException.ThrowIfNull(throttle);
        ArgumentNullException.ThrowIfNull(graphOptions);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _keeper = keeper;
        _throttle = throttle;
        _graph = graphOptions.Value;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Sends <paramref name="message"/> from <paramref name="phoneNumberId"/> with the managed token
    /// <paramref name="tokenName"/>. Success carries the wamid Meta returned; everything else is a failure.
    /// </summary>
    /// <exception cref="MessageValidationException">When the message breaks a documented rule.</exception>
    /// <exception cref="SendThrottledException">When the number's send queue is full (nothing was sent).</exception>
    /// <exception cref="KeyNotFoundException">When no managed token has that name.</exception>
    /// <exception cref="ArgumentException">When <paramref name="phoneNumberId"/> is not numeric.</exception>
    public Task<GraphResult<SendResult>> SendAsync(string tokenName, string phoneNumberId, WhatsAppMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        MessageValidator.ThrowIfInvalid(message);
        return CallAsync(tokenName, phoneNumberId, (token, ct) => _client.SendWithTokenAsync(phoneNumberId, message, token, ct), cancellationToken);
    }

    /// <summary>Posts a JSON body as is (see <see cref="CloudApiClient.SendRawAsync(string, JsonElement, CancellationToken)"/>) with the managed token.</summary>
    /// <exception cref="SendThrottledException">When the number's send queue is full (nothing was sent).</exception>
    /// <exception cref="KeyNotFoundException">When no managed token has that name.</exception>
    /// <exception cref="ArgumentException">When the body is not an object or <paramref name="phoneNumberId"/> is not numeric.</exception>
    public Task<GraphResult<JsonElement>> SendRawAsync(string tokenName, string phoneNumberId, JsonElement body, CancellationToken cancellationToken = default)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The message body must be a JSON object, not {body.ValueKind}.", nameof(body));
        }

        return CallAsync(tokenName, phoneNumberId, (token, ct) => _client.SendRawWithTokenAsync(phoneNumberId, body, token, ct), cancellationToken);
    }

    /// <summary>Marks an inbound message as read with the managed token (see <see cref="CloudApiClient.MarkAsReadAsync(string, string, bool, CancellationToken)"/>).</summary>
    /// <exception cref="SendThrottledException">When the number's send queue is full.</exception>
    /// <exception cref="KeyNotFoundException">When no managed token has that name.</exception>
    public Task<GraphResult<bool>> MarkAsReadAsync(string tokenName, string phoneNumberId, string wamid, bool typingIndicator = false, CancellationToken cancellationToken = default) =>
        CallAsync(tokenName, phoneNumberId, (token, ct) => _client.MarkAsReadWithTokenAsync(phoneNumberId, wamid, typingIndicator, token, ct), cancellationToken);

    private async Task<GraphResult<T>> CallAsync<T>(string tokenName, string phoneNumberId,
        Func<CloudApiClient.TokenCredentials, CancellationToken, Task<GraphResult<T>>> call, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        var token = await _keeper.GetAsync(tokenName, ct).ConfigureAwait(false);
        await _throttle.AcquireAsync(phoneNumberId, ct).ConfigureAwait(false);
        var result = await call(Credentials(token), ct).ConfigureAwait(false);
        if (result.Error is not { } error || !IsTokenRejection(error))
        {
            return result;
        }

        WhatsAppLog.TokenRejected(_logger, tokenName, token.Version, error.Code, error.Subcode);
        var outcome = await _keeper.RefreshAsync(tokenName, token.Version, ct).ConfigureAwait(false);
        if (outcome.Current.Version == token.Version)
        {
            // No newer version could be made: Meta's rejection stands.
            WhatsAppLog.RefreshDidNotHelp(_logger, tokenName, outcome.Error?.Message ?? outcome.Skipped ?? "no new version");
            return result;
        }

        await _throttle.AcquireAsync(phoneNumberId, ct).ConfigureAwait(false);
        return await call(Credentials(outcome.Current), ct).ConfigureAwait(false);
    }

    private CloudApiClient.TokenCredentials Credentials(CurrentToken token) =>
        new(token, _graph.UseTimestampedProof ? _time.GetUtcNow().ToUnixTimeSeconds() : null);

    // 190 is "access token expired or invalid"; 102/452 and an AuthException answer mean the same for a sender.
    private static bool IsTokenRejection(GraphError error) =>
        error.Code == 190 || error.WhatsAppKind is WhatsAppErrorKind.TokenExpired or WhatsAppErrorKind.TokenInvalid;
}
