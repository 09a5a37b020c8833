namespace Evertoken.WhatsApp;

/// <summary>
/// What <see cref="IWebhookInbox.AppendAsync"/> committed: the payload row. How many of its events were new or
/// redelivered is known once it is indexed (<see cref="IWebhookInbox.WaitForIndexAsync"/>, then
/// <see cref="IWebhookInbox.GetPayloadAsync"/>).
/// </summary>
/// <param name="PayloadId">The id of the stored payload row (every delivery is kept, duplicates included, for audit).</param>
public sealed record WebhookAppendResult(long PayloadId);
