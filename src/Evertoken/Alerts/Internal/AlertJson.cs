using System.Text.Json.Serialization;

namespace Evertoken.Alerts.Internal;

/// <summary>The JSON body of <see cref="WebhookAlertChannel"/>: Slack's <c>text</c> plus our own fields.</summary>
internal sealed record AlertWebhookBody(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("cause")] string Cause,
    [property: JsonPropertyName("sink")] string? Sink,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("reminder")] bool Reminder);

[JsonSerializable(typeof(AlertWebhookBody))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
