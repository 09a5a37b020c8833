using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>currency</c> value of a template parameter.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateCurrency
{
    /// <summary>Text shown when the amount cannot be localised, e.g. <c>$100.99</c>.</summary>
    [JsonPropertyName("fallback_value")]
    public string? FallbackValue { get; init; }

    /// <summary>ISO 4217 currency code, e.g. <c>USD</c>.</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>The amount multiplied by 1000.</summary>
    [JsonPropertyName("amount_1000")]
    public long Amount1000 { get; init; }
}
