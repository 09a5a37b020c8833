using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Evertoken.Bench;

/// <summary>
/// A bare <c>POST /v99.0/{phone}/messages</c> on the emulator's host for the send bench while the emulator has no
/// messaging of its own: Meta's success shape, no checks. Under its own literal version so it never clashes with the
/// emulator's routes. Returns the version it serves, or "" when the emulator already answers messages.
/// </summary>
internal static class WebhookBenchMessages
{
    public const string Version = "v99.0";

    private static long _sequence;

    public static string MapIfMissing(IEndpointRouteBuilder endpoints, EmulatorState state)
    {
        // The messaging branch adds its endpoint type to the emulator assembly; use it when present.
        if (typeof(EmulatorHost).Assembly.GetTypes().Any(t => t.Name.Contains("Message", StringComparison.Ordinal) && t.Name.Contains("Endpoints", StringComparison.Ordinal)))
        {
            return "";
        }

        endpoints.MapPost($"/{Version}/{{phone_number_id}}/messages", async (HttpContext http) =>
        {
            var body = await JsonNode.ParseAsync(http.Request.Body);
            var to = body?["to"]?.GetValue<string>() ?? "";
            return Results.Json(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = to.TrimStart('+') }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = $"wamid.BENCH{Interlocked.Increment(ref _sequence):D12}" }),
            });
        });
        _ = state;
        return Version;
    }
}
