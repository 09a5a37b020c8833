using Evertoken.WhatsApp;

namespace Evertoken.Samples.MinimalApi;

/// <summary>The app's webhook callback: logs each incoming message and status. A real app would reply or update an order.</summary>
public sealed partial class IncomingEventLogger(ILogger<IncomingEventLogger> logger) : IWebhookEventHandler
{
    /// <inheritdoc />
    public Task HandleAsync(StoredWebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var e = webhookEvent.Event;
        switch (e.Kind)
        {
            case WebhookEventKind.Message:
                MessageReceived(logger, e.MessageType ?? "unknown", e.From ?? "unknown", e.Wamid ?? "");
                break;
            case WebhookEventKind.Status:
                StatusReceived(logger, e.Wamid ?? "", e.Status ?? "unknown");
                break;
            default:
                OtherReceived(logger, e.Kind.ToString(), e.Field);
                break;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Received a {Type} message from {From} ({Wamid})")]
    private static partial void MessageReceived(ILogger logger, string type, string from, string wamid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {Wamid} is now {Status}")]
    private static partial void StatusReceived(ILogger logger, string wamid, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Received a {Kind} event on field {Field}")]
    private static partial void OtherReceived(ILogger logger, string kind, string field);
}
