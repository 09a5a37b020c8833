using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// A token bucket per business phone number (<see cref="TokenBucketRateLimiter"/>), so senders get back-pressure
/// from us instead of error 130429 from Meta: a caller waits in a bounded queue for its turn, and when the queue is
/// full gets a <see cref="SendThrottledException"/> with a retry delay. Up to 10 messages/s a bucket refills once a
/// second; above, every 100 ms with a tenth of the rate (rounded down, never over the limit). The refill runs on a
/// timer of the injected <see cref="TimeProvider"/> (the limiter adds what the elapsed time earned): under a fake
/// clock that is never advanced a bucket never refills, which makes limits exact in tests. Thread-safe.
/// </summary>
public sealed class MessageThrottle : IDisposable
{
    private static readonly TimeSpan FastPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan SlowPeriod = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Lazy<Bucket>> _buckets = new(StringComparer.Ordinal);
    private readonly MessageThrottleOptions _options;
    private readonly TimeProvider _time;
    private int _disposed;

    /// <summary>Creates the throttle.</summary>
    /// <exception cref="OptionsValidationException">When the options are not valid.</exception>
    public MessageThrottle(IOptions<MessageThrottleOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options.Value;
        var validation = new MessageThrottleOptions.Validator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MessageThrottleOptions), typeof(MessageThrottleOptions), validation.Failures);
        }

        _time = timeProvider;
    }

    /// <summary>
    /// Takes one message's turn for <paramref name="phoneNumberId"/>: returns at once while the bucket has room,
    /// waits in the queue (at most <see cref="MessageThrottleOptions.MaxQueueDelay"/> worth of messages) otherwise.
    /// </summary>
    /// <exception cref="SendThrottledException">When the queue is full: do not send, retry later.</exception>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> is cancelled while waiting.</exception>
    /// <exception cref="ObjectDisposedException">When the throttle is disposed.</exception>
    public async ValueTask AcquireAsync(string phoneNumberId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var bucket = _buckets.GetOrAdd(phoneNumberId, id => new Lazy<Bucket>(() => CreateBucket(id))).Value;
        using var lease = await bucket.Limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (lease.IsAcquired)
        {
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : bucket.Period;
        throw new SendThrottledException(phoneNumberId, retryAfter);
    }

    /// <summary>The messages per second allowed for <paramref name="phoneNumberId"/>.</summary>
    public int RateFor(string phoneNumberId) => _options.RateFor(phoneNumberId);

    /// <summary>Stops the refill timers and releases the queued callers (they get a failed turn).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var bucket in _buckets.Values)
        {
            if (bucket.IsValueCreated)
            {
                bucket.Value.Dispose();
            }
        }
    }

    private Bucket CreateBucket(string phoneNumberId)
    {
        var rate = _options.RateFor(phoneNumberId);
        var period = rate <= 10 ? SlowPeriod : FastPeriod;
        var perPeriod = rate <= 10 ? rate : rate / 10;
        var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            // Refilled by our TimeProvider timer below rather than the limiter's own wall-clock timer.
            AutoReplenishment = false,
            QueueLimit = (int)Math.Ceiling(rate * _options.MaxQueueDelay.TotalSeconds),
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        var timer = _time.CreateTimer(static state => ((TokenBucketRateLimiter)state!).TryReplenish(), limiter, period, period);
        return new Bucket(limiter, timer, period);
    }

    private sealed record Bucket(TokenBucketRateLimiter Limiter, ITimer Timer, TimeSpan Period) : IDisposable
    {
        public void Dispose()
        {
            Timer.Dispose();
            Limiter.Dispose();
        }
    }
}
