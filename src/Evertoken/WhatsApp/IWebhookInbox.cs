namespace Evertoken.WhatsApp;

/// <summary>
/// The durable store of verified webhooks: every payload is written before Meta gets its 200; then the store
/// indexes it: extracts its events, deduplicates them by <see cref="WebhookEvent.DedupKey"/> and queues them for the
/// relay. Indexing may happen after <see cref="AppendAsync"/> returns (<see cref="SqliteWebhookInbox"/> does it on
/// its own thread): queries see a payload's events once it is indexed, see <see cref="WaitForIndexAsync"/>.
/// </summary>
public interface IWebhookInbox
{
    /// <summary>
    /// Stores <paramref name="rawBody"/> as received and returns once it is committed: from then on a crash cannot
    /// lose it. Its events are indexed from the stored body, now or shortly after (and after a restart when the
    /// process died first); an event whose dedup key is already stored is then counted as a duplicate on the stored
    /// row, not stored again, and the new/duplicate counts appear on <see cref="GetPayloadAsync"/>. Check the body
    /// first with <see cref="WebhookEventExtractor.TryValidate"/>: a body whose events still cannot be read is kept,
    /// marked <c>failed</c> (<see cref="StoredWebhookPayload.IndexState"/>), never dropped.
    /// Cancelling stops the wait, not necessarily the write.
    /// </summary>
    Task<WebhookAppendResult> AppendAsync(ReadOnlyMemory<byte> rawBody, DateTimeOffset receivedAt, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until every payload stored so far with an id up to <paramref name="payloadId"/> (default: all of them)
    /// is indexed, so its events can be queried and are queued for the relay. The default returns at once, for
    /// stores that index within <see cref="AppendAsync"/>. Cancel it to put a deadline on it.
    /// </summary>
    Task WaitForIndexAsync(long payloadId = long.MaxValue, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>Stored (indexed) events matching <paramref name="query"/>, oldest first, one page at a time.</summary>
    Task<WebhookEventPage> QueryEventsAsync(WebhookEventQuery query, CancellationToken cancellationToken = default);

    /// <summary>One stored payload with its raw body and index state, or null when there is none with that id.</summary>
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
