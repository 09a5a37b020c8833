using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>An app subscribed to a WhatsApp business account's webhooks (<c>whatsapp_business_api_data</c> of
/// <c>GET /{waba-id}/subscribed_apps</c>).</summary>
/// <param name="Id">The app id.</param>
/// <param name="Name">The app's display name.</param>
/// <param name="Link">A link to the app on facebook.com.</param>
public sealed record SubscribedApp(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("link")] string? Link);
