using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The relay at a glance: every target with its counts, and the latest deliveries.</summary>
/// <param name="Targets">The targets, configured or not any more.</param>
/// <param name="Deliveries">The latest deliveries, newest first.</param>
public sealed record WebhookRelayStatus(
    [property: JsonPropertyName("targets")] IReadOnlyList<WebhookRelayTargetStatus> Targets,
    [property: JsonPropertyName("deliveries")] IReadOnlyList<WebhookRelayDelivery> Deliveries);
