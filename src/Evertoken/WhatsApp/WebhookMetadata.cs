using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp.Internal;

namespace Evertoken.WhatsApp;

/// <summary>The <c>metadata</c> of a change: which business number it concerns.</summary>
public sealed record WebhookMetadata
{
    /// <summary>The business number as displayed, e.g. <c>15550783881</c>.</summary>
    [JsonPropertyName("display_phone_number")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? DisplayPhoneNumber { get; init; }

    /// <summary>The phone number id (the one used in <c>POST /{phone-number-id}/messages</c>).</summary>
    [JsonPropertyName("phone_number_id")]
    [JsonConverter(typeof(LenientStringConverter))]
    public string? PhoneNumberId { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
