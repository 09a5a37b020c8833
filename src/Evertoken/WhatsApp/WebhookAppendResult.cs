namespace Evertoken.WhatsApp;

/// <summary>What <see cref="IWebhookInbox.AppendAsync"/> stored.</summary>
/// <param name="PayloadId">The id of the stored payload row (every delivery is kept, duplicates included, for audit).</param>
/// <param name="NewEvents">Events stored for the first time.</param>
/// <param name="DuplicateEvents">Events already stored (a redelivery), only counted.</param>
public sealed record WebhookAppendResult(long PayloadId, int NewEvents, int DuplicateEvents);
