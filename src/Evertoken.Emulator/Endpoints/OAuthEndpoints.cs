using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// <c>/oauth/access_token</c> (client_credentials, fb_exchange_token, Embedded Signup code) and <c>/oauth/revoke</c>
/// (reference graph-tokens.md §2, §3, §4.3).
/// </summary>
internal static class OAuthEndpoints
{
    public static void Map(GraphRouteGroup graph)
    {
        graph.MapMethods("/oauth/access_token", ["GET", "POST"], AccessTokenAsync);
        graph.MapMethods("/oauth/revoke", ["GET", "POST"], RevokeAsync);
    }

    private static async Task<IResult> AccessTokenAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (app, clientError) = Client(state, request);
        if (app is null)
        {
            return GraphErrors.Result(clientError!, state.Settings);
        }

        var grant = request["grant_type"];
        var result = grant switch
        {
            "client_credentials" => ClientCredentials(state, app),
            "fb_exchange_token" => Exchange(state, request, app),
            null or "authorization_code" when request["code"] is { } code => RedeemCode(state, app, code),
            null => (null, GraphErrors.MissingParameter("grant_type")),
            // REVIEW: Meta's text for an unknown grant_type is unconfirmed.
            _ => (null, GraphErrors.InvalidParameter($"Unsupported grant_type: {grant}")),
        };
        return result.Body is { } body ? GraphJson.Ok(body) : GraphErrors.Result(result.Error!, state.Settings);
    }

    private static (JsonObject? Body, GraphError? Error) ClientCredentials(EmulatorState state, EmulatorApp app)
    {
        // No expires_in: app tokens last until the app secret is reset (reference §3).
        var token = state.MintToken(new TokenSpec { AppId = app.Id, Kind = EmulatorTokenKind.App });
        return (new JsonObject { ["access_token"] = token.AccessToken, ["token_type"] = "bearer" }, null);
    }

    private static (JsonObject? Body, GraphError? Error) Exchange(EmulatorState state, GraphRequest request, EmulatorApp app)
    {
        if (request["fb_exchange_token"] is not { } old)
        {
            return (null, GraphErrors.MissingParameter("fb_exchange_token"));
        }

        // An expired or invalidated token cannot be exchanged: the user must log in again. The exact error is not
        // captured; the token's own 190 error (463 for an expired one) is the likely answer (reference §2a).
        var verdict = TokenValidator.Validate(state, old);
        if (!verdict.IsValid || verdict.Record is not { } record)
        {
            return (null, verdict.TopLevelError);
        }

        if (record.AppId != app.Id)
        {
            return (null, GraphErrors.AppMismatch());
        }

        MintedToken minted;
        switch (record.Kind)
        {
            case EmulatorTokenKind.App:
                // REVIEW: unconfirmed text; an app token has nothing to exchange.
                return (null, GraphErrors.InvalidParameter("An app access token cannot be exchanged"));
            case EmulatorTokenKind.SystemUser:
                // Only the documented refresh: set_token_expires_in_60_days=true gives a NEW 60-day token, and the old
                // one keeps working until its own expiry ("Access Token Rotation", install-apps-and-generate-tokens).
                if (!request.Flag("set_token_expires_in_60_days"))
                {
                    // REVIEW: Meta's answer without the flag is unconfirmed; strict here so clients always send it.
                    return (null, GraphErrors.InvalidParameter("set_token_expires_in_60_days=true is required to refresh a system user access token"));
                }

                minted = state.MintLike(record, TokenLifetime.SixtyDays);
                break;
            default:
                // A short-lived (or 60-day) user token becomes a new 60-day token; a never-expiring one stays so.
                minted = state.MintLike(record, record.ExpiresAt is null ? TokenLifetime.Never : TokenLifetime.SixtyDays);
                break;
        }

        var body = new JsonObject { ["access_token"] = minted.AccessToken, ["token_type"] = "bearer" };
        if (minted.Record.ExpiresAt is { } expiresAt && !state.Settings.OmitExpiresIn)
        {
            // Seconds left, so a little under 5184000 is normal.
            body["expires_in"] = (long)(expiresAt - state.Clock.GetUtcNow()).TotalSeconds;
        }

        return (body, null);
    }

    private static (JsonObject? Body, GraphError? Error) RedeemCode(EmulatorState state, EmulatorApp app, string code)
    {
        var (signup, used) = state.RedeemCode(code);
        if (used)
        {
            return (null, GraphErrors.CodeUsed());
        }

        if (signup is null || signup.AppId != app.Id)
        {
            return (null, GraphErrors.InvalidCode());
        }

        // Embedded Signup for a Tech Provider: the code becomes a business integration system-user token that does
        // not expire, scoped to the shared WABAs
        // (https://developers.facebook.com/docs/whatsapp/embedded-signup/onboarding-customers-as-a-tech-provider).
        var token = state.MintToken(new TokenSpec
        {
            AppId = app.Id,
            Kind = EmulatorTokenKind.SystemUser,
            Lifetime = TokenLifetime.Never,
            Scopes = signup.Scopes,
            WabaIds = signup.WabaIds,
            UserName = "Business Integration System User",
        });
        // The doc shows only the token; token_type matches the other oauth/access_token answers.
        return (new JsonObject { ["access_token"] = token.AccessToken, ["token_type"] = "bearer" }, null);
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (app, clientError) = Client(state, request);
        if (app is null)
        {
            return GraphErrors.Result(clientError!, state.Settings);
        }

        if (request["revoke_token"] is not { } target)
        {
            return GraphErrors.Result(GraphErrors.MissingParameter("revoke_token"), state.Settings);
        }

        var (caller, error) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return GraphErrors.Result(error!, state.Settings);
        }

        // client_id, the revoked token's app and the caller token's app must all be the same app (reference §4.3).
        var verdict = TokenValidator.Validate(state, target);
        if (verdict.Record is null)
        {
            return GraphErrors.Result(verdict.TopLevelError ?? new GraphError(190, GraphErrors.CouldNotDecryptMessage), state.Settings);
        }

        if (verdict.Record.AppId != app.Id || caller.App.Id != app.Id)
        {
            return GraphErrors.Result(GraphErrors.AppMismatch(), state.Settings);
        }

        state.Invalidate(target, 466);
        // The doc prints {"success":"true",} (not valid JSON); a boolean is the likely real body (reference §4.3).
        return GraphJson.Success();
    }

    /// <summary>Checks client_id and client_secret in Meta's order: missing id (101), unknown id (101), bad secret (1).</summary>
    private static (EmulatorApp? App, GraphError? Error) Client(EmulatorState state, GraphRequest request)
    {
        if (request["client_id"] is not { } clientId)
        {
            return (null, GraphErrors.MissingClientId());
        }

        if (state.FindApp(clientId) is not { } app)
        {
            return (null, GraphErrors.InvalidClientId());
        }

        return request["client_secret"] == app.Secret ? (app, null) : (null, GraphErrors.InvalidClientSecret());
    }
}
