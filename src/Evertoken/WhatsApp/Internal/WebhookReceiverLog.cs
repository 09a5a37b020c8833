using Microsoft.Extensions.Logging;

namespace Evertoken.WhatsApp.Internal;

/// <summary>Source-generated log messages of the webhook receiver and the event handler dispatcher. Never a secret.</summary>
internal static partial class WebhookReceiverLog
{
    [LoggerMessage(EventId = 4030, Level = LogLevel.Error, Message = "A webhook arrived but no app secret is configured (the receiver's AppSecrets or an app in the store); it was refused and Meta will retry it")]
    public static partial void NoAppSecret(ILogger logger);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Webhook event handler {Handler} failed on event {EventId} (attempt {Attempt} of {MaxAttempts}); retrying after {Delay}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, long eventId, int attempt, int maxAttempts, TimeSpan delay);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Error, Message = "Webhook event handler {Handler} gave up on event {EventId} after {Attempts} attempts; the event stays in the inbox")]
    public static partial void HandlerGaveUp(ILogger logger, Exception exception, string handler, long eventId, int attempts);

    [LoggerMessage(EventId = 4033, Level = LogLevel.Error, Message = "Reading the webhook inbox for the event handlers failed; retrying after the poll interval")]
    public static partial void DispatchLoopFailed(ILogger logger, Exception exception);
}
