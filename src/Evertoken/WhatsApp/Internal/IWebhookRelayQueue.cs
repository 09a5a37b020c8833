namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The relay's queue: its targets and deliveries beside the inbox's payloads, wherever the inbox keeps them. Times
/// are unix milliseconds. A claim sets a lease on each delivery it returns, so relays sharing the queue (in this
/// process or another) never hold the same delivery at once, and a lease left by a dead process simply runs out.
/// <see cref="WebhookRelay"/> owns the state transitions; implementations only make each one atomic.
/// </summary>
internal interface IWebhookRelayQueue
{
    /// <summary>Makes sure the tables exist (initialises the inbox).</summary>
    Task InitializeAsync(CancellationToken ct);

    /// <summary>Records the configured targets (enabling them) and disables every other; returns the ids by name.</summary>
    Task<Dictionary<string, long>> SyncTargetsAsync(IReadOnlyList<(string Name, string Url, string PhoneNumberId)> targets, long now, CancellationToken ct);

    /// <summary>Stops queueing deliveries for a target; its history stays.</summary>
    Task DisableTargetAsync(long targetId, CancellationToken ct);

    /// <summary>
    /// Claims the due head of each (target, phone number) queue: the oldest pending delivery of the queue, only when
    /// its time has come and no live lease holds it, up to <paramref name="limit"/>. So at most one delivery per queue
    /// is in flight, in payload order. Each is leased until <paramref name="leaseUntil"/> and its attempt counted.
    /// </summary>
    Task<List<ClaimedDelivery>> ClaimAsync(IReadOnlyCollection<long> targetIds, long now, long leaseUntil, int limit, CancellationToken ct);

    /// <summary>Marks a delivery done and updates its payload's relay state.</summary>
    Task MarkDeliveredAsync(ClaimedDelivery delivery, long now, int status, CancellationToken ct);

    /// <summary>Records a failed attempt: pending again from <paramref name="nextAttempt"/>, or dead when it is null.</summary>
    Task MarkFailedAsync(ClaimedDelivery delivery, long? nextAttempt, int? status, string error, CancellationToken ct);

    /// <summary>Queues a payload again for every enabled target that matches its number: new deliveries where there
    /// were none, the others reset to a fresh pending state. Returns the deliveries queued, or null when the payload
    /// does not exist.</summary>
    Task<int?> RequeueAsync(long payloadId, long now, CancellationToken ct);

    /// <summary>The payload an event was first received in, or null for an unknown event.</summary>
    Task<long?> PayloadOfEventAsync(long eventId, CancellationToken ct);

    /// <summary>Every target with its counts, and the <paramref name="recent"/> latest deliveries.</summary>
    Task<WebhookRelayStatus> GetStatusAsync(int recent, CancellationToken ct);

    /// <summary>
    /// Calls <paramref name="wake"/> whenever deliveries may have been queued (by this process or, on a shared
    /// database, by another) until <paramref name="ct"/> is cancelled. A missed call only delays a delivery until
    /// the relay's next poll.
    /// </summary>
    Task ListenAsync(Action wake, CancellationToken ct);
}
