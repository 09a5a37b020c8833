using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>Reads a control-API JSON object body.</summary>
internal static class ControlBody
{
    public static async Task<JsonObject?> ReadAsync(HttpContext http)
    {
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Text(JsonObject body, string name) => SendRequestValidator.Text(body[name]) is { Length: > 0 } value ? value : null;
}
