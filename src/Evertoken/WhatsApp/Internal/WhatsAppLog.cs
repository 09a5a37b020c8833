using Microsoft.Extensions.Logging;

namespace Evertoken.WhatsApp.Internal;

/// <summary>Source-generated log messages of the WhatsApp sender, the webhook inbox and the webhook relay. Never a token or a secret.</summary>
internal static partial class WhatsAppLog
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Meta rejected token {TokenName} version {Version} (code {Code}, subcode {Subcode}); refreshing it once and retrying")]
    public static partial void TokenRejected(ILogger logger, string tokenName, long version, int code, int? subcode);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Refreshing token {TokenName} after a rejected send gave no new version: {Reason}")]
    public static partial void RefreshDidNotHelp(ILogger logger, string tokenName, string reason);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Webhook relay to {Target} failed (attempt {Attempt}, HTTP {Status}): {Error}; next attempt at {NextAttempt:O}")]
    public static partial void RelayFailed(ILogger logger, string target, int attempt, int? status, string error, DateTimeOffset nextAttempt);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Webhook relay to {Target} gave up on payload {PayloadId} after {Attempt} attempts (HTTP {Status}): {Error}")]
    public static partial void RelayDead(ILogger logger, string target, long payloadId, int attempt, int? status, string error);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "Webhook relay iteration failed; retrying after the poll interval")]
    public static partial void RelayLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Error, Message = "Webhook relay target {Target} is disabled: {Problem}")]
    public static partial void RelayTargetDisabled(ILogger logger, string target, string problem);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Webhook relay target {Target} has no Secret nor MetaSecret: its receiver cannot verify where the payloads come from")]
    public static partial void RelayTargetUnsigned(ILogger logger, string target);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Webhook payload {PayloadId} is kept but its events could not be read (marked failed): {Error}")]
    public static partial void WebhookPayloadNotIndexed(ILogger logger, long payloadId, string error);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Error, Message = "Webhook inbox indexing failed; nothing of the batch was committed, retrying in {Backoff}")]
    public static partial void InboxIndexerFailed(ILogger logger, TimeSpan backoff, Exception exception);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Webhook inbox files could not be flushed ahead of SQLite's syncs (SQLite still syncs them; checkpoints may stall the receiver longer)")]
    public static partial void InboxFlushFailed(ILogger logger, Exception exception);
}
