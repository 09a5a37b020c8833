using System.Text.Json.Serialization;

namespace Evertoken.Server.Api;

/// <summary>A page of events: <c>next_after</c> for the next page, <c>last_id</c> for where a live tail starts.</summary>
/// <param name="Events">Oldest first.</param>
/// <param name="NextAfter">The cursor of the next page, null on the last one.</param>
/// <param name="LastId">The newest stored event id, whatever the filters.</param>
public sealed record WebhookEventList(
    [property: JsonPropertyName("events")] IReadOnlyList<WebhookEventView> Events,
    [property: JsonPropertyName("next_after")] long? NextAfter,
    [property: JsonPropertyName("last_id")] long? LastId);
