using Microsoft.Extensions.Logging;

namespace Evertoken.Alerts.Internal;

/// <summary>Source-generated log messages of the alerts area. Messages carry names and fingerprints only.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Warning,
        Message = "Alert {Kind} for token {TokenName} (sink {Sink}, cause {Cause}): {Text}")]
    public static partial void AlertRaised(
        ILogger logger, AlertKind kind, string tokenName, string? sink, AlertCause cause, string text);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Alert {Kind} for token {TokenName} (sink {Sink}): {Text}")]
    public static partial void AlertInformation(ILogger logger, AlertKind kind, string tokenName, string? sink, string text);

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning,
        Message = "Alert channel {Channel} could not deliver a {Kind} alert for token {TokenName}")]
    public static partial void ChannelFailed(ILogger logger, string channel, AlertKind kind, string tokenName);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning,
        Message = "Alert channel {Channel} threw {ExceptionType} while delivering a {Kind} alert for token {TokenName}")]
    public static partial void ChannelThrew(ILogger logger, string channel, string exceptionType, AlertKind kind, string tokenName);
}
