using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp;

/// <summary>An error inside a webhook: on a failed status, on an inbound message, or directly under the value (reference §3).</summary>
public sealed record WebhookError
{
    /// <summary>The error code, e.g. 131047.</summary>
    [JsonPropertyName("code")]
    public int Code { get; init; }

    /// <summary>The title, e.g. <c>Re-engagement message</c>.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The message (often the title again).</summary>
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    /// <summary>The <c>error_data</c> object.</summary>
    [JsonPropertyName("error_data")]
    public WebhookErrorData? ErrorData { get; init; }

    /// <summary>Link to Meta's error code page.</summary>
    [JsonPropertyName("href")]
    public string? Href { get; init; }

    /// <summary><c>error_data.details</c>: what Meta says to build logic on, with the code.</summary>
    [JsonIgnore]
    public string? Details => ErrorData?.Details;

    /// <summary>What the error means for a sender.</summary>
    [JsonIgnore]
    public WhatsAppErrorKind Kind => WhatsAppErrorClassifier.Classify(Code);

    /// <summary>Fields this model does not name, kept as JSON (Meta adds fields often).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}
