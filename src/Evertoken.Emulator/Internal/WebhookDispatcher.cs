using System.Net.Http.Headers;
using System.Threading.Channels;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Posts webhooks in the background. A scheduler loop releases each delivery when it is due on the emulator clock into
/// the lane of its callback URL: a <see cref="Channel{T}"/> read by one worker, so deliveries to one receiver go out
/// strictly in order, a failing one (retried with back-off) holding back those behind it. Stops with the host.
/// </summary>
internal sealed class WebhookDispatcher
{
    // Waits on the emulator clock are sliced so that a clock advance (or speed-up) is noticed within this time.
    private static readonly TimeSpan MaxSlice = TimeSpan.FromMilliseconds(200);

    private readonly EmulatorState _world;
    private readonly Func<WebhookDelivery, DateTimeOffset, WebhookDelivery> _repeat;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<WebhookDelivery, (DateTimeOffset Due, long Seq)> _scheduled = new();
    private readonly Dictionary<string, Channel<WebhookDelivery>> _lanes = new(StringComparer.Ordinal);
    private readonly List<Task> _workers = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private long _seq;
    private Task? _scheduler;

    /// <param name="world">The emulator state (clock and settings).</param>
    /// <param name="repeat">Creates and records a byte-identical copy of a delivery (for redelivery).</param>
    public WebhookDispatcher(EmulatorState world, Func<WebhookDelivery, DateTimeOffset, WebhookDelivery> repeat)
    {
        _world = world;
        _repeat = repeat;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1), AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("facebookexternalua");
    }

    /// <summary>The client used for deliveries and the verification handshake.</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Starts the loops and ties them to the host: they stop when it stops. Without a lifetime they run until the
    /// process ends. Calling it again does nothing.
    /// </summary>
    public void Start(IHostApplicationLifetime? lifetime)
    {
        lock (_gate)
        {
            if (_scheduler is not null || _stop.IsCancellationRequested)
            {
                return;
            }

            _scheduler = Task.Run(() => RunSchedulerAsync(_stop.Token));
        }

        lifetime?.ApplicationStopping.Register(Stop);
    }

    /// <summary>Completes when the scheduler and every lane worker started so far have ended (after <see cref="Stop"/>).</summary>
    public Task Completion
    {
        get
        {
            lock (_gate)
            {
                return _scheduler is null ? Task.WhenAll(_workers) : Task.WhenAll([.. _workers, _scheduler]);
            }
        }
    }

    /// <summary>Queues a delivery for its due time.</summary>
    public void Schedule(WebhookDelivery delivery)
    {
        lock (_gate)
        {
            _scheduled.Enqueue(delivery, (delivery.DueAt, ++_seq));
        }

        _wake.Release();
    }

    /// <summary>Stops the loops (waiting up to two seconds for them) and releases the client.</summary>
    public void Stop()
    {
        Task[] running;
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            _stop.Cancel();
            running = _scheduler is null ? [.. _workers] : [.. _workers, _scheduler];
        }

        try
        {
            // The loops end on cancellation at their next await; this only bounds a misbehaving receiver.
            Task.WaitAll(running, TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Loops end by cancellation; anything else was already recorded on its delivery.
        }

        Http.Dispose();
    }

    private async Task RunSchedulerAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var wait = ReleaseDue();
                await _wake.WaitAsync(wait, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Moves every due delivery into its lane; returns how long to sleep before the next one is due.</summary>
    private TimeSpan ReleaseDue()
    {
        lock (_gate)
        {
            var now = _world.Clock.GetUtcNow();
            while (_scheduled.TryPeek(out var delivery, out var key) && key.Due <= now)
            {
                _scheduled.Dequeue();
                delivery.MarkQueued();
                Lane(delivery.CallbackUrl).Writer.TryWrite(delivery);
            }

            return _scheduled.TryPeek(out _, out var next) ? Slice(next.Due - now) : Timeout.InfiniteTimeSpan;
        }
    }

    private Channel<WebhookDelivery> Lane(string callbackUrl)
    {
        if (!_lanes.TryGetValue(callbackUrl, out var lane))
        {
            lane = Channel.CreateUnbounded<WebhookDelivery>(new UnboundedChannelOptions { SingleReader = true });
            _lanes[callbackUrl] = lane;
            var token = _stop.Token;
            _workers.Add(Task.Run(() => RunLaneAsync(lane.Reader, token)));
        }

        return lane;
    }

    private async Task RunLaneAsync(ChannelReader<WebhookDelivery> reader, CancellationToken ct)
    {
        try
        {
            await foreach (var delivery in reader.ReadAllAsync(ct))
            {
                try
                {
                    await DeliverAsync(delivery, ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // One broken delivery (a bug, an unusable URL) must not end the lane for the ones behind it.
                    delivery.GiveUp(ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    private async Task DeliverAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        var clock = _world.Clock;
        var firstAttempt = clock.GetUtcNow();
        var delay = Seconds(_world.Settings.WebhookRetryInitialDelaySeconds);
        while (true)
        {
            var (status, error) = await PostAsync(delivery, ct);
            var now = clock.GetUtcNow();
            var settings = _world.Settings;
            if (status is >= 200 and < 300)
            {
                delivery.RecordSuccess(status.Value, now);
                if (settings.RedeliverEveryWebhookOnce && delivery.RedeliveryOf is null)
                {
                    Schedule(_repeat(delivery, now));
                }

                return;
            }

            var retryAt = now + delay;
            if (retryAt - firstAttempt > Seconds(settings.WebhookRetryHorizonSeconds))
            {
                delivery.RecordFailure(status, error, null);
                return;
            }

            delivery.RecordFailure(status, error, retryAt);
            await WaitUntilAsync(retryAt, ct);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Seconds(settings.WebhookRetryMaxDelaySeconds).Ticks));
        }
    }

    private async Task<(int? Status, string? Error)> PostAsync(WebhookDelivery delivery, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.CallbackUrl) { Content = new ByteArrayContent(delivery.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("X-Hub-Signature-256", delivery.Signature256);
        request.Headers.TryAddWithoutValidation("X-Hub-Signature", delivery.Signature1);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Seconds(_world.Settings.WebhookTimeoutSeconds, minimum: 0.001));
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, "timeout");
        }
        catch (HttpRequestException ex)
        {
            return (null, ex.HttpRequestError.ToString());
        }
    }

    /// <summary>Waits until the emulator clock reaches <paramref name="due"/>.</summary>
    private async Task WaitUntilAsync(DateTimeOffset due, CancellationToken ct)
    {
        while (due - _world.Clock.GetUtcNow() is var remaining && remaining > TimeSpan.Zero)
        {
            await Task.Delay(Slice(remaining), ct);
        }
    }

    /// <summary>Real time for an emulator-clock span, capped so clock changes are noticed.</summary>
    private TimeSpan Slice(TimeSpan emulated)
    {
        var real = TimeSpan.FromTicks((long)(emulated.Ticks / _world.Clock.Speed));
        return real < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : real > MaxSlice ? MaxSlice : real;
    }

    private static TimeSpan Seconds(double value, double minimum = 0) =>
        TimeSpan.FromSeconds(double.IsFinite(value) ? Math.Clamp(value, minimum, TimeSpan.MaxValue.TotalSeconds / 4) : minimum);
}
