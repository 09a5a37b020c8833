using System.Collections.Concurrent;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// One refresh per rejected token version, shared by every call that got a 190 with that version. The keeper is
/// single-flight already while a refresh succeeds (latecomers find the newer version); this also covers failure:
/// without it each waiting call would ask Meta again in turn. A failed flight is remembered for a cool-down, so a
/// dead token does not turn every app call into an <c>oauth/access_token</c> call.
/// </summary>
internal sealed class RefreshFlights(ITokenKeeper keeper, TimeProvider time, IOptions<GraphProxyOptions> options)
{
    private readonly ConcurrentDictionary<(string Name, long Version), Flight> _flights = new();
    private readonly TimeSpan _cooldown = options.Value.FailedRefreshCooldown;

    /// <summary>The outcome of refreshing after <paramref name="rejectedVersion"/> was rejected; null when it threw.</summary>
    public async Task<(RefreshOutcome? Outcome, Exception? Error)> RefreshAsync(string name, long rejectedVersion, CancellationToken ct)
    {
        var key = (name, rejectedVersion);
        while (true)
        {
            var flight = _flights.GetOrAdd(key, k => new Flight(f => RunAsync(k, f)));
            if (flight.FailedAt is { } failedAt && time.GetUtcNow() - failedAt >= _cooldown)
            {
                _flights.TryRemove(new KeyValuePair<(string, long), Flight>(key, flight));
                continue;
            }

            // The refresh itself is not the caller's: one leaving must not cancel it for the others.
            return await flight.Task.WaitAsync(ct);
        }
    }

    private async Task<(RefreshOutcome?, Exception?)> RunAsync((string Name, long Version) key, Flight flight)
    {
        (RefreshOutcome? Outcome, Exception? Error) result;
        try
        {
            result = (await keeper.RefreshAsync(key.Name, key.Version, CancellationToken.None).ConfigureAwait(false), null);
        }
        catch (Exception e)
        {
            result = (null, e);
        }

        if (result.Outcome is { } outcome && outcome.Current.Version > key.Version)
        {
            // Done: later 190s for this version go to the keeper, which answers from the store without Meta.
            _flights.TryRemove(new KeyValuePair<(string, long), Flight>(key, flight));
        }
        else
        {
            flight.FailedAt = time.GetUtcNow();
        }

        return result;
    }

    private sealed class Flight
    {
        private readonly Lazy<Task<(RefreshOutcome?, Exception?)>> _task;
        private long _failedAtTicks = long.MinValue;

        public Flight(Func<Flight, Task<(RefreshOutcome?, Exception?)>> start) => _task = new(() => start(this));

        public Task<(RefreshOutcome?, Exception?)> Task => _task.Value;

        public DateTimeOffset? FailedAt
        {
            get => Volatile.Read(ref _failedAtTicks) is var ticks && ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
            set => Volatile.Write(ref _failedAtTicks, value?.UtcTicks ?? long.MinValue);
        }
    }
}
