using System.Globalization;
using System.Net.Http.Headers;
using Evertoken.Alerts;
using Evertoken.Sinks;
using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Forwards every stored webhook payload to the configured targets (<see cref="WebhookRelayOptions.Targets"/>), at least
/// once: the inbox queues one delivery per matching target in the same transaction that stores the payload; the relay
/// claims due deliveries with a lease (a crash mid-delivery only delays it), posts the raw body with our signature
/// (and Meta's, when asked), and on failure retries with exponential backoff and jitter until
/// <see cref="WebhookRelayOptions.GiveUpAfter"/>, then marks it <c>dead</c> and raises an <see cref="AlertKind.SinkFailed"/>
/// alert (token <c>webhooks</c>, sink = the target's name); the next success sends the <c>Recovered</c> alert. One
/// delivery per target and phone number is in flight at a time, in payload order, so a conversation's events arrive in
/// the order Meta sent them. Time comes from the <see cref="TimeProvider"/>; tests call <see cref="RunOnceAsync"/>.
/// The queue lives beside the inbox's payloads: in the SQLite file of a <see cref="SqliteWebhookInbox"/>, or in the
/// PostgreSQL tables of a <see cref="PostgresWebhookInbox"/>, where the relays of several instances share it (claims
/// skip rows another instance is claiming, and LISTEN/NOTIFY wakes every relay when deliveries are queued).
/// </summary>
public sealed class WebhookRelay : BackgroundService
{
    /// <summary>The named HttpClient the relay posts with.</summary>
    public const string HttpClientName = "Evertoken.WebhookRelay";

    /// <summary>The header carrying the stored payload id (receivers can deduplicate on it).</summary>
    public const string PayloadIdHeader = "X-Evertoken-Payload-Id";

    /// <summary>The header carrying the attempt number, from 1.</summary>
    public const string AttemptHeader = "X-Evertoken-Attempt";

    /// <summary>The token name relay alerts are raised under.</summary>
    public const string AlertTokenName = "webhooks";

    private const int RecentDeliveries = 100;

    private readonly WebhookRelayOptions _options;
    private readonly IHttpClientFactory _httpClients;
    private readonly AlertManager _alerts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IWebhookRelayQueue _store;
    private readonly SemaphoreSlim _initLock = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private volatile IReadOnlyList<ActiveTarget> _targets = [];
    private volatile bool _initialized;

    /// <summary>Creates the relay over the inbox's storage.</summary>
    /// <param name="inbox">A <see cref="SqliteWebhookInbox"/> or a <see cref="PostgresWebhookInbox"/>: the queue is kept beside its payloads.</param>
    /// <param name="options">The targets and the retry timing.</param>
    /// <param name="httpClientFactory">Gives the <see cref="HttpClientName"/> client.</param>
    /// <param name="alerts">Raises and resolves the give-up alerts.</param>
    /// <param name="timeProvider">The clock for due times, leases and the poll.</param>
    /// <param name="logger">Optional.</param>
    /// <exception cref="OptionsValidationException">When the options are not valid (every problem listed).</exception>
    /// <exception cref="NotSupportedException">When <paramref name="inbox"/> is another implementation (it has no relay queue).</exception>
    public WebhookRelay(IWebhookInbox inbox, IOptions<WebhookRelayOptions> options, IHttpClientFactory httpClientFactory,
        AlertManager alerts, TimeProvider timeProvider, ILogger<WebhookRelay>? logger = null)
        : this(QueueOf(inbox), options, httpClientFactory, alerts, timeProvider, logger)
    {
    }

    internal WebhookRelay(IWebhookRelayQueue queue, IOptions<WebhookRelayOptions> options, IHttpClientFactory httpClientFactory,
        AlertManager alerts, TimeProvider timeProvider, ILogger<WebhookRelay>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        var validation = new WebhookRelayOptions.Validator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(WebhookRelayOptions), typeof(WebhookRelayOptions), validation.Failures);
        }

        _httpClients = httpClientFactory;
        _alerts = alerts;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _store = queue;
    }

    /// <summary>The names of the targets deliveries go to now (configured and not disabled).</summary>
    public IReadOnlyList<string> ActiveTargets => [.. _targets.Select(t => t.Name)];

    /// <summary>
    /// Creates the inbox tables if needed and records the configured targets, so payloads stored from now on are
    /// queued for them. Idempotent; called by <see cref="StartAsync"/> and by every other member.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            var configured = _options.Targets.Select(t => (t.EffectiveName, t.Url!.GetLeftPart(UriPartial.Path), t.PhoneNumberId)).ToList();
            var ids = await _store.SyncTargetsAsync(configured, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
            _targets = [.. _options.Targets.Select(t => new ActiveTarget(ids[t.EffectiveName], t.EffectiveName, t))];
            foreach (var target in _options.Targets.Where(t => t.Secret is null && t.MetaSecret is null))
            {
                WhatsAppLog.RelayTargetUnsigned(_logger, target.EffectiveName);
            }

            _initialized = true;
        }
        finally
        {
            _initLock.Release();
        }
    }

    /// <summary>Records the targets before the host starts serving, then starts the worker loop.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Disables every target that points at this service's own /v1, /graph or /webhooks path on one of
    /// <paramref name="listeningAddresses"/> (known only once the server is bound, e.g. on port 0), logging an error
    /// for each. Returns the names disabled.
    /// </summary>
    public async Task<IReadOnlyList<string>> DisableLoopingTargetsAsync(IEnumerable<Uri> listeningAddresses, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(listeningAddresses);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var addresses = listeningAddresses.ToList();
        var looping = _targets.Where(t => SelfAddressGuard.PointsAtSelf(t.Settings.Url!, addresses)).ToList();
        foreach (var target in looping)
        {
            await _store.DisableTargetAsync(target.Id, cancellationToken).ConfigureAwait(false);
            WhatsAppLog.RelayTargetDisabled(_logger, target.Name, "its URL is this service's own /v1, /graph or /webhooks path");
        }

        _targets = [.. _targets.Except(looping)];
        return [.. looping.Select(t => t.Name)];
    }

    /// <summary>
    /// One pass: claims the due head of every (target, phone number) queue, up to
    /// <see cref="WebhookRelayOptions.MaxConcurrency"/>, delivers them concurrently and records each outcome.
    /// </summary>
    public async Task<WebhookRelayRunResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var targets = _targets;
        if (targets.Count == 0)
        {
            return new WebhookRelayRunResult(0, 0, 0, 0);
        }

        var now = _time.GetUtcNow();
        var claimed = await _store.ClaimAsync([.. targets.Select(t => t.Id)], now.ToUnixTimeMilliseconds(),
            (now + _options.Lease).ToUnixTimeMilliseconds(), _options.MaxConcurrency, cancellationToken).ConfigureAwait(false);
        var byId = targets.ToDictionary(t => t.Id);
        var outcomes = await Task.WhenAll(claimed.Select(d => ProcessAsync(d, byId[d.TargetId], cancellationToken))).ConfigureAwait(false);
        return new WebhookRelayRunResult(outcomes.Length,
            outcomes.Count(o => o == Outcome.Delivered), outcomes.Count(o => o == Outcome.Retrying), outcomes.Count(o => o == Outcome.Dead));
    }

    /// <summary>Queues a stored payload again for every matching target (a manual replay). Returns the deliveries
    /// queued, or null when there is no such payload.</summary>
    public async Task<int?> RequeuePayloadAsync(long payloadId, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var queued = await _store.RequeueAsync(payloadId, _time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        if (queued > 0)
        {
            Wake();
        }

        return queued;
    }

    /// <summary>The payload an event was first received in, or null for an unknown event id.</summary>
    public async Task<long?> FindPayloadOfEventAsync(long eventId, CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await _store.PayloadOfEventAsync(eventId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every target with its delivery counts, and the latest deliveries.</summary>
    public async Task<WebhookRelayStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetStatusAsync(RecentDeliveries, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        using var stopListening = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var listener = _store.ListenAsync(Wake, stopListening.Token);
        try
        {
            await RelayLoopAsync(timer, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            await stopListening.CancelAsync().ConfigureAwait(false);
            // The listener only speeds things up: should it have failed, the poll carried on without it.
            await listener.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RelayLoopAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        Task<bool>? tick = null;
        Task? wake = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var attempted = 0;
            try
            {
                attempted = (await RunOnceAsync(stoppingToken).ConfigureAwait(false)).Attempted;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                WhatsAppLog.RelayLoopFailed(_logger, ex);
            }

            if (attempted > 0)
            {
                // The next delivery of each queue may be due already.
                continue;
            }

            tick ??= timer.WaitForNextTickAsync(stoppingToken).AsTask();
            wake ??= _wake.WaitAsync(stoppingToken);
            try
            {
                var done = await Task.WhenAny(tick, wake).ConfigureAwait(false);
                await done.ConfigureAwait(false);
                if (done == tick)
                {
                    tick = null;
                }
                else
                {
                    wake = null;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static IWebhookRelayQueue QueueOf(IWebhookInbox inbox) => inbox switch
    {
        null => throw new ArgumentNullException(nameof(inbox)),
        SqliteWebhookInbox sqlite => new WebhookRelayStore(sqlite),
        PostgresWebhookInbox postgres => new PostgresWebhookRelayQueue(postgres),
        _ => throw new NotSupportedException($"The webhook relay keeps its queue beside a {nameof(SqliteWebhookInbox)} or a {nameof(PostgresWebhookInbox)}, not a {inbox.GetType().Name}."),
    };

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }

    private async Task<Outcome> ProcessAsync(ClaimedDelivery delivery, ActiveTarget target, CancellationToken ct)
    {
        var (status, error) = await PostAsync(delivery, target.Settings, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (error is null)
        {
            await _store.MarkDeliveredAsync(delivery, now.ToUnixTimeMilliseconds(), status!.Value, ct).ConfigureAwait(false);
            await _alerts.ResolveAsync(AlertKind.SinkFailed, AlertTokenName, target.Name, ct).ConfigureAwait(false);
            return Outcome.Delivered;
        }

        var horizon = DateTimeOffset.FromUnixTimeMilliseconds(delivery.QueuedAt) + _options.GiveUpAfter;
        if (now >= horizon)
        {
            await _store.MarkFailedAsync(delivery, null, status, error, ct).ConfigureAwait(false);
            WhatsAppLog.RelayDead(_logger, target.Name, delivery.PayloadId, delivery.Attempt, status, error);
            await _alerts.RaiseAsync(AlertKind.SinkFailed, AlertTokenName, AlertCause.Outage,
                $"Webhook relay to {target.Name} gave up on payload {delivery.PayloadId} after {delivery.Attempt} attempts over "
                + $"{_options.GiveUpAfter.TotalDays:0.##} days: {error}. Replay it with POST /v1/webhooks/events/{{id}}/replay once the receiver works.",
                target.Name, ct).ConfigureAwait(false);
            return Outcome.Dead;
        }

        // The last attempt lands on the horizon itself, so a receiver back just in time still gets the payload.
        var next = now + Backoff(delivery.Attempt);
        if (next > horizon)
        {
            next = horizon;
        }

        await _store.MarkFailedAsync(delivery, next.ToUnixTimeMilliseconds(), status, error, ct).ConfigureAwait(false);
        WhatsAppLog.RelayFailed(_logger, target.Name, delivery.Attempt, status, error, next);
        return Outcome.Retrying;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.InitialDelay.Ticks * Math.Pow(2, Math.Min(attempt - 1, 40));
        var capped = Math.Min(exponential, _options.MaxDelay.Ticks);
        var spread = 1 + (_options.Jitter * ((Random.Shared.NextDouble() * 2) - 1));
        return TimeSpan.FromTicks(Math.Max(1, (long)(capped * spread)));
    }

    private async Task<(int? Status, string? Error)> PostAsync(ClaimedDelivery delivery, WebhookRelayTarget target, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new ByteArrayContent(delivery.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        var unixSeconds = _time.GetUtcNow().ToUnixTimeSeconds();
        if (target.Secret is { Length: > 0 } secret)
        {
            request.Headers.Add(WebhookSinkSignature.TimestampHeader, unixSeconds.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(WebhookSinkSignature.SignatureHeader, WebhookSinkSignature.Compute(secret, unixSeconds, delivery.Body));
        }

        if (target.MetaSecret is { Length: > 0 } metaSecret)
        {
            request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Sign(delivery.Body, metaSecret));
        }

        request.Headers.Add(PayloadIdHeader, delivery.PayloadId.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(AttemptHeader, delivery.Attempt.ToString(CultureInfo.InvariantCulture));

        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            var http = _httpClients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (status, null) : (status, $"the receiver answered HTTP {status}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"no answer within {_options.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex)
        {
            // The type and socket error only: a message could echo the URL, whose query may hold a secret.
            return (null, ex.HttpRequestError == HttpRequestError.Unknown ? "the request failed" : $"the request failed ({ex.HttpRequestError})");
        }
    }

    private enum Outcome
    {
        Delivered,
        Retrying,
        Dead,
    }

    private sealed record ActiveTarget(long Id, string Name, WebhookRelayTarget Settings);
}
