using Evertoken.Alerts;
using Evertoken.Sinks.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.Sinks;

/// <summary>
/// Pushes a new token version to a token's sinks, all at once, each with its own retries: only
/// <see cref="SinkResult.Retryable"/> failures are retried, up to <see cref="SinkDispatcherOptions.MaxAttempts"/>
/// attempts, with exponential backoff and jitter, waiting on the <see cref="TimeProvider"/>. A sink that throws counts
/// as a transient failure. When a sink ends failing, the <see cref="AlertManager"/> is told (a
/// <see cref="AlertKind.SinkFailed"/> problem: <see cref="AlertCause.Credential"/> for a permanent failure,
/// <see cref="AlertCause.Outage"/> when retries ran out); when it works again, it is told too, which sends one
/// <see cref="AlertKind.Recovered"/> alert. A failing sink never fails the rotation: <see cref="PushAsync"/> never
/// throws for a sink's failure, only when <c>cancellationToken</c> is cancelled. Thread-safe.
/// </summary>
public sealed class SinkDispatcher
{
    private readonly AlertManager _alerts;
    private readonly TimeProvider _timeProvider;
    private readonly SinkDispatcherOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Token, string Sink), SinkStatus> _statuses = [];

    /// <summary>Creates a dispatcher.</summary>
    /// <param name="alerts">Where failures and recoveries are reported.</param>
    /// <param name="timeProvider">The clock for backoff waits and status times.</param>
    /// <param name="options">Retry settings; defaults when null.</param>
    /// <param name="logger">The log; none when null.</param>
    public SinkDispatcher(
        AlertManager alerts,
        TimeProvider timeProvider,
        IOptions<SinkDispatcherOptions>? options = null,
        ILogger<SinkDispatcher>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _alerts = alerts;
        _timeProvider = timeProvider;
        _options = options?.Value ?? new SinkDispatcherOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The latest status of every (token, sink) pushed to so far.</summary>
    public IReadOnlyList<SinkStatus> Statuses
    {
        get
        {
            lock (_gate)
            {
                return [.. _statuses.Values.OrderBy(s => s.TokenName, StringComparer.Ordinal).ThenBy(s => s.Sink, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Pushes <paramref name="push"/> to every sink in parallel and waits for all of them.</summary>
    /// <returns>One status per sink, in the order given.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<IReadOnlyList<SinkStatus>> PushAsync(
        TokenPush push, IReadOnlyList<NamedSink> sinks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(push);
        ArgumentNullException.ThrowIfNull(sinks);
        var tasks = sinks.Select(sink => PushOneAsync(push, sink, cancellationToken)).ToArray();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task<SinkStatus> PushOneAsync(TokenPush push, NamedSink named, CancellationToken cancellationToken)
    {
        var description = named.Sink.Describe;
        var maxAttempts = Math.Max(1, _options.MaxAttempts);
        var attempts = 0;
        SinkResult result;
        DateTimeOffset lastAttempt;
        while (true)
        {
            attempts++;
            lastAttempt = _timeProvider.GetUtcNow();
            result = await AttemptAsync(push, named, description, cancellationToken).ConfigureAwait(false);
            if (result.Success || !result.Retryable || attempts >= maxAttempts)
            {
                break;
            }

            var delay = Backoff(attempts);
            SinkLog.Retrying(_logger, named.Name, description, attempts, push.Name, push.Version, result.Error, delay);
            await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        SinkStatus status;
        lock (_gate)
        {
            _statuses.TryGetValue((push.Name, named.Name), out var previous);
            status = new SinkStatus(
                push.Name,
                named.Name,
                description,
                result.Success ? SinkState.Ok : SinkState.Failing,
                push.Version,
                attempts,
                lastAttempt,
                result.Success ? lastAttempt : previous?.LastSuccess,
                result.Success ? null : result.Error,
                result.Success || result.Retryable);
            _statuses[(push.Name, named.Name)] = status;
        }

        if (result.Success)
        {
            SinkLog.Pushed(_logger, named.Name, description, push.Name, push.Version, push.Fingerprint, attempts);
            await _alerts.ResolveAsync(AlertKind.SinkFailed, push.Name, named.Name, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            SinkLog.GaveUp(_logger, named.Name, description, push.Name, push.Version, attempts, result.Error);
            var detail = $"version {push.Version} ({push.Fingerprint}) to {description}, after {attempts} attempt(s): {result.Error}";
            await _alerts.RaiseAsync(
                AlertKind.SinkFailed,
                push.Name,
                result.Retryable ? AlertCause.Outage : AlertCause.Credential,
                detail,
                named.Name,
                cancellationToken).ConfigureAwait(false);
        }

        return status;
    }

    private async Task<SinkResult> AttemptAsync(TokenPush push, NamedSink named, string description, CancellationToken cancellationToken)
    {
        try
        {
            return await named.Sink.PushAsync(push, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Only the type: a faulty sink's exception message might quote what it was writing.
            SinkLog.SinkThrew(_logger, named.Name, description, ex.GetType().Name, push.Name, push.Version);
            return SinkResult.Transient($"The sink failed unexpectedly ({ex.GetType().Name}).");
        }
    }

    /// <summary>The wait after attempt <paramref name="attempt"/>: initial × factor^(attempt−1), capped, minus jitter.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var seconds = _options.InitialDelay.TotalSeconds * Math.Pow(Math.Max(1, _options.BackoffFactor), attempt - 1);
        var capped = Math.Min(seconds, _options.MaxDelay.TotalSeconds);
        var jitter = Math.Clamp(_options.Jitter, 0, 1);
        var factor = jitter == 0 ? 1 : 1 - (jitter * Random.Shared.NextDouble());
        return TimeSpan.FromSeconds(Math.Max(0, capped * factor));
    }
}
