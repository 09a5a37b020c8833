using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>Writes Graph success bodies exactly as built (key order kept).</summary>
internal static class GraphJson
{
    public static IResult Ok(JsonNode body) => Results.Content(body.ToJsonString(), "application/json; charset=UTF-8");

    public static IResult Success() => Ok(new JsonObject { ["success"] = true });
}
