namespace Evertoken.WhatsApp;

/// <summary>
/// An app's callback for webhook events received by <see cref="WebhookEndpointRouteBuilderExtensions.MapEvertokenWebhooks"/>.
/// Events come after they are stored and deduplicated, one at a time in storage order, on a background loop (Meta's
/// 200 never waits for the handler). Delivery is at least once: an event is handed again after a crash before its
/// progress was saved, or after the handler throws (up to <see cref="WebhookHandlerOptions.MaxAttempts"/>), so a handler
/// that must not act twice keys its work on <see cref="WebhookEvent.DedupKey"/>. Instances sharing a PostgreSQL store
/// take turns: one at a time hands the events out, and another takes over from the shared cursor when it stops. Register with
/// <see cref="WhatsAppBuilderExtensions.AddWebhookEventHandler{THandler}"/>.
/// </summary>
public interface IWebhookEventHandler
{
    /// <summary>Handles one stored event. Throwing makes it retried later with backoff; it never loses the event,
    /// which stays in the inbox.</summary>
    Task HandleAsync(StoredWebhookEvent webhookEvent, CancellationToken cancellationToken);
}
