using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// Meta's answer to a send (reference §2.4): the recipient as given and as normalised, and the new message's wamid.
/// It only means "accepted"; delivery comes later in status webhooks.
/// </summary>
public sealed record SendResult
{
    /// <summary><c>whatsapp</c>.</summary>
    [JsonPropertyName("messaging_product")]
    public string? MessagingProduct { get; init; }

    /// <summary>The recipients as Meta understood them (one entry for a normal send).</summary>
    [JsonPropertyName("contacts")]
    public IReadOnlyList<SendResultContact> Contacts { get; init; } = [];

    /// <summary>The created messages (one entry for a normal send).</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyList<SendResultMessage> Messages { get; init; } = [];

    /// <summary>The wamid of the sent message; empty when Meta sent none.</summary>
    [JsonIgnore]
    public string Wamid => Messages.Count > 0 ? Messages[0].Id ?? "" : "";

    /// <summary>The optional <c>message_status</c> (<c>accepted</c> for paced template sends; other values seen:
    /// <c>held_for_quality_assessment</c>, <c>paused</c>).</summary>
    [JsonIgnore]
    public string? MessageStatus => Messages.Count > 0 ? Messages[0].MessageStatus : null;

    /// <summary>The digits-only WhatsApp id of the recipient (may be empty for business-scoped user ids).</summary>
    [JsonIgnore]
    public string? WaId => Contacts.Count > 0 ? Contacts[0].WaId : null;

    /// <summary>The <c>to</c> value exactly as it was sent.</summary>
    [JsonIgnore]
    public string? Input => Contacts.Count > 0 ? Contacts[0].Input : null;
}
