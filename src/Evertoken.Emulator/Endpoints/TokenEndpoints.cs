using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary><c>GET /debug_token</c> and <c>GET /me</c> (reference graph-tokens.md §1).</summary>
internal static class TokenEndpoints
{
    public static void Map(GraphRouteGroup graph)
    {
        graph.MapGet("/debug_token", DebugTokenAsync);
        graph.MapGet("/me", MeAsync);
    }

    private static async Task<IResult> DebugTokenAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        if (request.AccessToken is null)
        {
            return GraphErrors.Result(GraphErrors.NoAppTokenForDebug(), state.Settings);
        }

        var (caller, error) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return GraphErrors.Result(error!, state.Settings);
        }

        if (request["input_token"] is not { } input)
        {
            return GraphErrors.Result(GraphErrors.MissingParameter("input_token"), state.Settings);
        }

        var verdict = TokenValidator.Validate(state, input);
        // The caller must be an app token of the input's app, or a token of the same app (the input itself works).
        var inputApp = verdict.Record?.AppId ?? verdict.App?.Id;
        if (inputApp is not null && inputApp != caller.App.Id)
        {
            return GraphErrors.Result(GraphErrors.AppMismatch(), state.Settings);
        }

        return GraphJson.Ok(new JsonObject { ["data"] = DebugTokenData.Build(verdict) });
    }

    private static async Task<IResult> MeAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (caller, error) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return GraphErrors.Result(error!, state.Settings);
        }

        if (caller.Record.UserId is not { } userId)
        {
            return GraphErrors.Result(GraphErrors.ActiveTokenRequired(), state.Settings);
        }

        return GraphJson.Ok(new JsonObject { ["id"] = userId, ["name"] = caller.Record.UserName ?? "Sample User" });
    }
}
