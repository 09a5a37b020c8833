using System.Net;
using System.Text.Json;

namespace Evertoken.Graph.Internal;

/// <summary>Reads the parts of Graph answers that are not plain DTOs: the error envelope and boolean results.</summary>
internal static class GraphResponses
{
    private static readonly JsonDocumentOptions Lenient = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>
    /// The error of a failed call: the Graph envelope when the body has one, otherwise an error with code 0 classified
    /// by the HTTP status alone (5xx → Transient, 429 → RateLimited, 401 → Invalidated, other 4xx → BadRequest).
    /// </summary>
    public static GraphError ReadError(ReadOnlySpan<byte> body, int httpStatus) =>
        TryReadError(body, httpStatus) ?? GraphError.From(
            0,
            null,
            $"The Graph API answered HTTP {httpStatus} ({ReasonOf(httpStatus)}) without a Graph error body.",
            httpStatus);

    /// <summary>The Graph envelope's error, or null when the body is not <c>{"error":{...}}</c>.</summary>
    public static GraphError? TryReadError(ReadOnlySpan<byte> body, int httpStatus)
    {
        GraphErrorEnvelope? envelope;
        try
        {
            envelope = body.IsEmpty ? null : JsonSerializer.Deserialize(body, GraphJsonContext.Default.GraphErrorEnvelope);
        }
        catch (JsonException)
        {
            return null;
        }

        if (envelope?.Error is not { } e)
        {
            return null;
        }

        return GraphError.From(
            e.Code,
            e.ErrorSubcode,
            e.Message ?? "",
            httpStatus,
            e.Type,
            e.FbTraceId,
            e.IsTransient ?? false,
            DetailsOf(e.ErrorData),
            e.ErrorUserTitle,
            e.ErrorUserMsg);
    }

    /// <summary>
    /// Reads a boolean result: bare <c>true</c>/<c>false</c>, <c>{"success":true}</c>, or Meta's documented
    /// <c>{"success":"true",}</c> (a string and a trailing comma, install-apps-and-generate-tokens page, "Revoke").
    /// Null when the body is none of these.
    /// </summary>
    public static bool? ReadSuccessFlag(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body, Lenient);
            var root = doc.RootElement;
            if (root.ValueKind is JsonValueKind.Object && root.TryGetProperty("success", out var success))
            {
                root = success;
            }

            return root.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.String when bool.TryParse(root.GetString(), out var parsed) => parsed,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? DetailsOf(JsonElement errorData) =>
        errorData.ValueKind is JsonValueKind.Object
        && errorData.TryGetProperty("details", out var details)
        && details.ValueKind is JsonValueKind.String
            ? details.GetString()
            : null;

    private static string ReasonOf(int status) =>
        Enum.IsDefined((HttpStatusCode)status) ? ((HttpStatusCode)status).ToString() : "unknown status";
}
