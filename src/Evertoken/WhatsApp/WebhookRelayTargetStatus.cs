using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One relay target and how its deliveries stand.</summary>
public sealed record WebhookRelayTargetStatus
{
    /// <summary>The target's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The URL without its query (which may hold a secret).</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>The phone number filter (<c>*</c> for all).</summary>
    [JsonPropertyName("phone_number_id")]
    public required string PhoneNumberId { get; init; }

    /// <summary>False when the target is no longer configured (or was disabled as a loop).</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; }

    /// <summary>Deliveries waiting or being retried.</summary>
    [JsonPropertyName("pending")]
    public int Pending { get; init; }

    /// <summary>Deliveries done.</summary>
    [JsonPropertyName("delivered")]
    public int Delivered { get; init; }

    /// <summary>Deliveries given up.</summary>
    [JsonPropertyName("dead")]
    public int Dead { get; init; }

    /// <summary>The last successful delivery.</summary>
    [JsonPropertyName("last_delivered_at")]
    public DateTimeOffset? LastDeliveredAt { get; init; }

    /// <summary>The earliest scheduled attempt of a pending delivery.</summary>
    [JsonPropertyName("next_attempt_at")]
    public DateTimeOffset? NextAttemptAt { get; init; }
}
