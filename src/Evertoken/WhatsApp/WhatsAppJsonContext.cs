using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>
/// Source-generated System.Text.Json metadata for the WhatsApp models: outbound messages and send results, webhook
/// payloads and events. Null properties are left out when writing. Outbound message types refuse unknown fields
/// (so a pasted body never loses a field silently); webhook types keep them in <c>Extra</c>.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WhatsAppMessage))]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(WebhookPayload))]
[JsonSerializable(typeof(WebhookMessage))]
[JsonSerializable(typeof(WebhookStatus))]
[JsonSerializable(typeof(WebhookError))]
[JsonSerializable(typeof(WebhookEvent))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class WhatsAppJsonContext : JsonSerializerContext;
