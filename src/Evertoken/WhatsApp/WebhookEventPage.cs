namespace Evertoken.WhatsApp;

/// <summary>One page of stored events.</summary>
/// <param name="Events">The events, oldest first.</param>
/// <param name="NextAfter">The cursor for the next page (<see cref="WebhookEventQuery.After"/>), null on the last page.</param>
public sealed record WebhookEventPage(IReadOnlyList<StoredWebhookEvent> Events, long? NextAfter);
