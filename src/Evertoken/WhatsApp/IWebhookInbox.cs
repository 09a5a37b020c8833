namespace Evertoken.WhatsApp;

/// <summary>
/// The durable store of verified webhooks: every payload is written before Meta gets its 200, its events are
/// deduplicated by <see cref="WebhookEvent.DedupKey"/>, and the relay forwards them later.
/// </summary>
public interface IWebhookInbox
{
    /// <summary>
    /// Stores <paramref name="rawBody"/> and its <paramref name="events"/> and returns once they are committed.
    /// An event whose dedup key is already stored is counted as a duplicate on the stored row, not stored again.
    /// Cancelling stops the wait, not necessarily the write.
    /// </summary>
    Task<WebhookAppendResult> AppendAsync(ReadOnlyMemory<byte> rawBody, IReadOnlyList<WebhookEvent> events, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>Stored events matching <paramref name="query"/>, oldest first, one page at a time.</summary>
    Task<WebhookEventPage> QueryEventsAsync(WebhookEventQuery query, CancellationToken cancellationToken = default);

    /// <summary>One stored payload with its raw body, or null when there is none with that id.</summary>
    Task<StoredWebhookPayload?> GetPayloadAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// The id of the newest stored event, or null when there is none: where a live tail starts. The default pages
    /// through <see cref="QueryEventsAsync"/>; stores override it with a direct lookup.
    /// </summary>
    async Task<long?> GetLastEventIdAsync(CancellationToken cancellationToken = default)
    {
        long? last = null;
        while (true)
        {
            var page = await QueryEventsAsync(new WebhookEventQuery { After = last, Limit = WebhookEventQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
            if (page.Events.Count > 0)
            {
                last = page.Events[^1].Id;
            }

            if (page.NextAfter is null)
            {
                return last;
            }
        }
    }
}
