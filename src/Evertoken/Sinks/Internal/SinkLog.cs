using Microsoft.Extensions.Logging;

namespace Evertoken.Sinks.Internal;

/// <summary>Source-generated log messages of the sinks area. Names, versions and fingerprints only, never a value.</summary>
internal static partial class SinkLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Sink {Sink} ({Description}) took token {TokenName} v{Version} ({Fingerprint}) after {Attempts} attempt(s)")]
    public static partial void Pushed(
        ILogger logger, string sink, string description, string tokenName, long version, string fingerprint, int attempts);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Sink {Sink} ({Description}) failed attempt {Attempt} for token {TokenName} v{Version}: {Error}; retrying in {Delay}")]
    public static partial void Retrying(
        ILogger logger, string sink, string description, int attempt, string tokenName, long version, string? error, TimeSpan delay);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error,
        Message = "Sink {Sink} ({Description}) gave up on token {TokenName} v{Version} after {Attempts} attempt(s): {Error}")]
    public static partial void GaveUp(
        ILogger logger, string sink, string description, string tokenName, long version, int attempts, string? error);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error,
        Message = "Sink {Sink} ({Description}) threw {ExceptionType} for token {TokenName} v{Version}")]
    public static partial void SinkThrew(
        ILogger logger, string sink, string description, string exceptionType, string tokenName, long version);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Netlify sink {Description}: variable {Action} for token {TokenName} v{Version} ({Fingerprint})")]
    public static partial void NetlifyVariableSet(
        ILogger logger, string description, string action, string tokenName, long version, string fingerprint);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
        Message = "Netlify sink {Description}: redeploy started ({How})")]
    public static partial void NetlifyRedeployed(ILogger logger, string description, string how);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning,
        Message = "Netlify sink {Description}: rate limited (429) while {Operation}; waiting {Wait} before retry {Retry}")]
    public static partial void NetlifyRateLimited(ILogger logger, string description, string operation, TimeSpan wait, int retry);
}
