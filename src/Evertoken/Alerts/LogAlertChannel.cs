using Evertoken.Alerts.Internal;
using Microsoft.Extensions.Logging;

namespace Evertoken.Alerts;

/// <summary>
/// Writes alerts to the log: problems and reminders as warnings, recoveries as information. Always available, so
/// an alert is never lost even when no webhook is configured.
/// </summary>
/// <param name="logger">Where to write.</param>
public sealed class LogAlertChannel(ILogger<LogAlertChannel> logger) : IAlertChannel
{
    /// <inheritdoc />
    public string Describe => "log";

    /// <inheritdoc />
    public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (alert.Kind == AlertKind.Recovered)
        {
            AlertLog.AlertInformation(logger, alert.Kind, alert.TokenName, alert.Sink, alert.Message);
        }
        else
        {
            AlertLog.AlertRaised(logger, alert.Kind, alert.TokenName, alert.Sink, alert.Cause, alert.Message);
        }

        return Task.FromResult(true);
    }
}
