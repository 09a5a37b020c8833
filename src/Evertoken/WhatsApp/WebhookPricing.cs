using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>pricing</c> of a status.</summary>
public sealed record WebhookPricing
{
    /// <summary>True when the message is billed.</summary>
    [JsonPropertyName("billable")]
    public bool? Billable { get; init; }

    /// <summary><c>CBP</c> (conversation-based) or <c>PMP</c> (per-message, from July 2025).</summary>
    [JsonPropertyName("pricing_model")]
    public string? PricingModel { get; init; }

    /// <summary><c>marketing</c>, <c>utility</c>, <c>authentication</c>, <c>service</c>, ...</summary>
    [JsonPropertyName("category")]
    public string? Category { get; init; }

    /// <summary>PMP only: <c>regular</c>, <c>free_customer_service</c>, <c>free_entry_point</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
