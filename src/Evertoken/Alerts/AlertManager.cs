using Evertoken.Alerts.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Evertoken.Alerts;

/// <summary>
/// Turns a stream of problem and success reports into few, meaningful alerts. It keeps one state per
/// (token, kind, sink) and sends:
/// <list type="bullet">
/// <item>one alert when a problem starts, or when its cause changes (an outage that turns into a credential problem);</item>
/// <item>nothing for repeated reports of the same problem (no alert storm while retries keep failing);</item>
/// <item>a reminder every <see cref="AlertManagerOptions.ReminderInterval"/> while it persists (on the next report, or
/// when the host calls <see cref="SendDueRemindersAsync"/> on a timer);</item>
/// <item>one <see cref="AlertKind.Recovered"/> alert when it works again.</item>
/// </list>
/// Every alert is delivered to all channels; a failing channel is logged and never makes these methods throw
/// (only cancellation of the caller's token does). Thread-safe.
/// </summary>
public sealed class AlertManager
{
    private readonly IAlertChannel[] _channels;
    private readonly TimeProvider _timeProvider;
    private readonly AlertManagerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<StateKey, ActiveAlert> _active = [];
    private readonly LinkedList<Alert> _recent = new();

    /// <summary>Creates a manager delivering to <paramref name="channels"/>.</summary>
    /// <param name="channels">Where alerts go; may be empty (alerts are then only kept in <see cref="Recent"/>).</param>
    /// <param name="timeProvider">The clock, for alert times and reminders.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="logger">Where channel failures are logged; none when null.</param>
    public AlertManager(
        IEnumerable<IAlertChannel> channels,
        TimeProvider timeProvider,
        IOptions<AlertManagerOptions>? options = null,
        ILogger<AlertManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _channels = [.. channels];
        _timeProvider = timeProvider;
        _options = options?.Value ?? new AlertManagerOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The last alerts sent (newest first), at most <see cref="AlertManagerOptions.RecentCapacity"/>.</summary>
    public IReadOnlyList<Alert> Recent
    {
        get
        {
            lock (_gate)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>The problems that are open now, oldest first.</summary>
    public IReadOnlyList<ActiveAlert> Active
    {
        get
        {
            lock (_gate)
            {
                return [.. _active.Values.OrderBy(a => a.Since)];
            }
        }
    }

    /// <summary>
    /// Reports that something is wrong. Sends an alert when the problem is new or its cause changed, a reminder when
    /// one is due, and nothing otherwise.
    /// </summary>
    /// <param name="kind">What it is about; <see cref="AlertKind.Recovered"/> is not a problem (use <see cref="ResolveAsync"/>).</param>
    /// <param name="tokenName">The managed token.</param>
    /// <param name="cause">Whose problem it is.</param>
    /// <param name="detail">What happened, in words, without any secret.</param>
    /// <param name="sink">The sink's name for <see cref="AlertKind.SinkFailed"/>.</param>
    /// <param name="cancellationToken">Cancels delivery.</param>
    /// <returns>The alert sent, or null when this report changed nothing worth announcing.</returns>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is <see cref="AlertKind.Recovered"/>.</exception>
    public async Task<Alert?> RaiseAsync(
        AlertKind kind,
        string tokenName,
        AlertCause cause,
        string detail,
        string? sink = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        if (kind == AlertKind.Recovered)
        {
            throw new ArgumentException("Recovered is announced by ResolveAsync, not raised as a problem.", nameof(kind));
        }

        var now = _timeProvider.GetUtcNow();
        var key = new StateKey(tokenName, kind, sink);
        Alert? alert;
        lock (_gate)
        {
            if (!_active.TryGetValue(key, out var current) || current.Cause != cause)
            {
                var state = new ActiveAlert(tokenName, kind, sink, cause, detail, current?.Since ?? now, now);
                _active[key] = state;
                alert = Create(state, AlertMessages.Problem(state), now, isReminder: false);
            }
            else if (IsReminderDue(current, now))
            {
                var state = current with { Detail = detail, LastAnnouncedAt = now };
                _active[key] = state;
                alert = Create(state, AlertMessages.Reminder(state), now, isReminder: true);
            }
            else
            {
                _active[key] = current with { Detail = detail };
                alert = null;
            }

            if (alert is not null)
            {
                Remember(alert);
            }
        }

        if (alert is not null)
        {
            await DeliverAsync(alert, cancellationToken).ConfigureAwait(false);
        }

        return alert;
    }

    /// <summary>
    /// Reports that something works. Sends one <see cref="AlertKind.Recovered"/> alert when a problem of this kind was
    /// open for the token (and sink), nothing otherwise.
    /// </summary>
    /// <returns>The recovery alert, or null when nothing was open.</returns>
    public async Task<Alert?> ResolveAsync(
        AlertKind kind,
        string tokenName,
        string? sink = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenName);
        var now = _timeProvider.GetUtcNow();
        Alert alert;
        lock (_gate)
        {
            if (!_active.Remove(new StateKey(tokenName, kind, sink), out var state))
            {
                return null;
            }

            alert = new Alert
            {
                Kind = AlertKind.Recovered,
                TokenName = tokenName,
                Sink = sink,
                Cause = AlertCause.None,
                Message = AlertMessages.Recovered(state),
                At = now,
            };
            Remember(alert);
        }

        await DeliverAsync(alert, cancellationToken).ConfigureAwait(false);
        return alert;
    }

    /// <summary>
    /// Sends a reminder for each open problem not announced for <see cref="AlertManagerOptions.ReminderInterval"/>.
    /// Call it from a periodic timer (every few minutes is plenty).
    /// </summary>
    /// <returns>The reminders sent.</returns>
    public async Task<IReadOnlyList<Alert>> SendDueRemindersAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var due = new List<Alert>();
        lock (_gate)
        {
            foreach (var (key, state) in _active.ToArray())
            {
                if (IsReminderDue(state, now))
                {
                    var updated = state with { LastAnnouncedAt = now };
                    _active[key] = updated;
                    var alert = Create(updated, AlertMessages.Reminder(updated), now, isReminder: true);
                    Remember(alert);
                    due.Add(alert);
                }
            }
        }

        foreach (var alert in due)
        {
            await DeliverAsync(alert, cancellationToken).ConfigureAwait(false);
        }

        return due;
    }

    private bool IsReminderDue(ActiveAlert state, DateTimeOffset now) =>
        _options.ReminderInterval > TimeSpan.Zero && now - state.LastAnnouncedAt >= _options.ReminderInterval;

    private static Alert Create(ActiveAlert state, string message, DateTimeOffset now, bool isReminder) => new()
    {
        Kind = state.Kind,
        TokenName = state.TokenName,
        Sink = state.Sink,
        Cause = state.Cause,
        Message = message,
        At = now,
        IsReminder = isReminder,
    };

    private void Remember(Alert alert)
    {
        _recent.AddFirst(alert);
        while (_recent.Count > Math.Max(1, _options.RecentCapacity))
        {
            _recent.RemoveLast();
        }
    }

    private async Task DeliverAsync(Alert alert, CancellationToken cancellationToken)
    {
        foreach (var channel in _channels)
        {
            try
            {
                if (!await channel.SendAsync(alert, cancellationToken).ConfigureAwait(false))
                {
                    AlertLog.ChannelFailed(_logger, channel.Describe, alert.Kind, alert.TokenName);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                // Only the type: a channel's exception message could carry its URL, which may itself be a secret.
                AlertLog.ChannelThrew(_logger, channel.Describe, ex.GetType().Name, alert.Kind, alert.TokenName);
            }
        }
    }

    private readonly record struct StateKey(string TokenName, AlertKind Kind, string? Sink);
}
