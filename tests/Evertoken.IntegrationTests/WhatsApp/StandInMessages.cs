using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Evertoken.Emulator;
using Evertoken.Emulator.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Evertoken.IntegrationTests.WhatsApp;

/// <summary>
/// A minimal <c>POST /{version}/{phone-number-id}/messages</c> on the emulator's host, for tests that must not depend on
/// the emulator's own messaging (merged separately). It lives under its own literal version <c>v99.0</c> (literal
/// segments win over the emulator's <c>/{graph_version}</c> routes, so the two never clash); everything else (oauth,
/// debug_token) is the real emulator under that version. It authenticates like Graph (the emulator's token rules,
/// appsecret_proof), answers with Meta's success shape, and can be told to answer the next calls with given errors.
/// </summary>
internal sealed class StandInMessages
{
    public const string Version = "v99.0";

    private int _sequence;

    public ConcurrentQueue<(int Status, string Body)> NextAnswers { get; } = new();

    public ConcurrentQueue<StandInCall> Calls { get; } = new();

    public void Map(IEndpointRouteBuilder endpoints, EmulatorState state) =>
        endpoints.MapPost($"/{Version}/{{phone_number_id}}/messages", async (HttpContext http, string phone_number_id) =>
        {
            var request = await GraphRequest.ReadAsync(http);
            http.Request.Body.Position = 0;
            var body = await JsonNode.ParseAsync(http.Request.Body);
            Calls.Enqueue(new StandInCall(phone_number_id, request.AccessToken, request["appsecret_proof"], body));
            var (caller, error) = GraphAuth.Authenticate(state, request);
            if (caller is null)
            {
                return GraphErrors.Result(error!, state.Settings);
            }

            if (NextAnswers.TryDequeue(out var answer))
            {
                return Results.Content(answer.Body, "application/json", statusCode: answer.Status);
            }

            var to = body?["to"]?.GetValue<string>() ?? "";
            var wamid = $"wamid.STANDIN{Interlocked.Increment(ref _sequence):D6}";
            return Results.Json(new JsonObject
            {
                ["messaging_product"] = "whatsapp",
                ["contacts"] = new JsonArray(new JsonObject { ["input"] = to, ["wa_id"] = new string([.. to.Where(char.IsAsciiDigit)]) }),
                ["messages"] = new JsonArray(new JsonObject { ["id"] = wamid }),
            });
        });
}

/// <summary>One call the stand-in received.</summary>
internal sealed record StandInCall(string PhoneNumberId, string? Token, string? Proof, JsonNode? Body);
