using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>One payload's delivery to one target.</summary>
public sealed record WebhookRelayDelivery
{
    /// <summary>The delivery id.</summary>
    [JsonPropertyName("id")]
    public long Id { get; init; }

    /// <summary>The stored payload.</summary>
    [JsonPropertyName("payload_id")]
    public long PayloadId { get; init; }

    /// <summary>The target's name.</summary>
    [JsonPropertyName("target")]
    public required string Target { get; init; }

    /// <summary>The payload's business phone number id (the ordering queue).</summary>
    [JsonPropertyName("phone_number_id")]
    public string PhoneNumberId { get; init; } = "";

    /// <summary><c>pending</c>, <c>delivered</c> or <c>dead</c>.</summary>
    [JsonPropertyName("state")]
    public required string State { get; init; }

    /// <summary>Attempts made.</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due (pending only).</summary>
    [JsonPropertyName("next_attempt_at")]
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When the last attempt was made.</summary>
    [JsonPropertyName("last_attempt_at")]
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>The HTTP status of the last attempt (null when no answer came).</summary>
    [JsonPropertyName("last_status")]
    public int? LastStatus { get; init; }

    /// <summary>What went wrong last, in words.</summary>
    [JsonPropertyName("last_error")]
    public string? LastError { get; init; }

    /// <summary>When it was delivered.</summary>
    [JsonPropertyName("delivered_at")]
    public DateTimeOffset? DeliveredAt { get; init; }
}
