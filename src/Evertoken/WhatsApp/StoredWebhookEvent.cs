namespace Evertoken.WhatsApp;

/// <summary>A webhook event as stored by the inbox.</summary>
/// <param name="Id">The event id, increasing in storage order (the query cursor).</param>
/// <param name="PayloadId">The payload it was first received in.</param>
/// <param name="ReceivedAt">When it was first received.</param>
/// <param name="DuplicateCount">How many redeliveries of it were received since.</param>
/// <param name="Event">The event.</param>
public sealed record StoredWebhookEvent(long Id, long PayloadId, DateTimeOffset ReceivedAt, int DuplicateCount, WebhookEvent Event);
