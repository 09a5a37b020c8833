using System.Text.Json;
using Evertoken.Graph;

namespace Evertoken.WhatsApp.Internal;

/// <summary>Turns a non-success Graph response into a classified <see cref="GraphError"/>.</summary>
internal static class GraphErrorReader
{
    public static GraphError Read(ReadOnlySpan<byte> body, int httpStatus, string? reasonPhrase)
    {
        GraphErrorBody? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, WhatsAppWireJsonContext.Default.GraphErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // Not Graph's envelope (a proxy's HTML page, an empty body): fall through to the HTTP status.
        }

        if (error is null)
        {
            return GraphError.From(0, null, $"HTTP {httpStatus} {reasonPhrase} without a Graph error body.", httpStatus);
        }

        string? details = null;
        if (error.ErrorData is { ValueKind: JsonValueKind.Object } data
            && data.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String)
        {
            details = d.GetString();
        }
        else if (error.ErrorData is { ValueKind: JsonValueKind.String } text)
        {
            details = text.GetString();
        }

        return GraphError.From(error.Code, error.Subcode, error.Message ?? "", httpStatus, error.Type, error.FbTraceId,
            error.IsTransient ?? false, details, error.UserTitle, error.UserMessage);
    }
}
