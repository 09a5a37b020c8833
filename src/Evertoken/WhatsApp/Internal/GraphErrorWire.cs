using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.WhatsApp.Internal;

/// <summary>Graph's error envelope <c>{"error":{...}}</c> (reference §1).</summary>
internal sealed record GraphErrorEnvelope
{
    [JsonPropertyName("error")]
    public GraphErrorBody? Error { get; init; }
}

/// <summary>The inside of Graph's error envelope.</summary>
internal sealed record GraphErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("code")]
    public int Code { get; init; }

    [JsonPropertyName("error_subcode")]
    public int? Subcode { get; init; }

    // An object on WhatsApp errors ({messaging_product, details}); older Graph errors used a string here.
    [JsonPropertyName("error_data")]
    public JsonElement? ErrorData { get; init; }

    [JsonPropertyName("fbtrace_id")]
    public string? FbTraceId { get; init; }

    [JsonPropertyName("is_transient")]
    public bool? IsTransient { get; init; }

    [JsonPropertyName("error_user_title")]
    public string? UserTitle { get; init; }

    [JsonPropertyName("error_user_msg")]
    public string? UserMessage { get; init; }
}

/// <summary><c>{"success": true}</c>, the answer to a read receipt.</summary>
internal sealed record SuccessResponse
{
    [JsonPropertyName("success")]
    public bool Success { get; init; }
}

[JsonSerializable(typeof(GraphErrorEnvelope))]
[JsonSerializable(typeof(SuccessResponse))]
internal sealed partial class WhatsAppWireJsonContext : JsonSerializerContext;
