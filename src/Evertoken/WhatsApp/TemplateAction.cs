using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>The <c>action</c> value of a template parameter (flow and catalog buttons).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TemplateAction
{
    /// <summary>Flow buttons: the token identifying this flow session.</summary>
    [JsonPropertyName("flow_token")]
    public string? FlowToken { get; init; }

    /// <summary>Flow buttons: data passed to the first screen, any JSON object.</summary>
    [JsonPropertyName("flow_action_data")]
    public JsonElement? FlowActionData { get; init; }

    /// <summary>Catalog buttons: the product shown as thumbnail.</summary>
    [JsonPropertyName("thumbnail_product_retailer_id")]
    public string? ThumbnailProductRetailerId { get; init; }
}
