using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// System users through the API: install an app, generate a token, list a business's system users
/// (reference graph-tokens.md §4; https://developers.facebook.com/docs/business-management-apis/system-users/install-apps-and-generate-tokens).
/// </summary>
internal static class SystemUserEndpoints
{
    // The scopes the install-apps page documents for system users (reference §4.2), plus public_profile.
    private static readonly HashSet<string> KnownScopes = new(StringComparer.Ordinal)
    {
        "ads_management", "ads_read", "attribution_read", "business_management", "catalog_management",
        "commerce_account_manage_orders", "commerce_account_read_orders", "commerce_account_read_settings",
        "instagram_basic", "instagram_content_publish", "instagram_manage_comments", "instagram_manage_insights",
        "instagram_manage_messages", "leads_retrieval", "page_events", "pages_manage_ads", "pages_manage_metadata",
        "pages_manage_posts", "pages_messaging", "pages_read_engagement", "pages_show_list", "read_insights",
        "whatsapp_business_management", "whatsapp_business_messaging", "public_profile", "manage_notifications",
        "pages_manage_cta", "pages_manage_instant_articles", "read_page_mailboxes", "private_computation_access",
    };

    public static void Map(GraphRouteGroup graph)
    {
        graph.MapPost("/{id}/applications", InstallAppAsync);
        graph.MapPost("/{id}/access_tokens", CreateTokenAsync);
        graph.MapGet("/{id}/system_users", ListAsync);
    }

    private static async Task<IResult> InstallAppAsync(HttpContext http, EmulatorState state)
    {
        var (request, _, user, failure) = await PrepareAsync(http, state);
        if (failure is not null)
        {
            return failure;
        }

        if (request!["business_app"] is not { } appId)
        {
            return GraphErrors.Result(GraphErrors.MissingParameter("business_app"), state.Settings);
        }

        if (state.FindApp(appId) is null)
        {
            // REVIEW: text unconfirmed; Graph answers a bad id parameter with a #100 error.
            return GraphErrors.Result(GraphErrors.InvalidParameter("Param business_app must be a valid application id"), state.Settings);
        }

        state.InstallApp(user!.Id, appId);
        // The doc says "returns a boolean result"; {"success":true} is the usual Graph shape (unconfirmed, reference §4.1).
        return GraphJson.Success();
    }

    private static async Task<IResult> CreateTokenAsync(HttpContext http, EmulatorState state)
    {
        var (request, caller, user, failure) = await PrepareAsync(http, state);
        if (failure is not null)
        {
            return failure;
        }

        if (request!["business_app"] is not { } appId)
        {
            return GraphErrors.Result(GraphErrors.MissingParameter("business_app"), state.Settings);
        }

        if (state.FindApp(appId) is not { } app)
        {
            return GraphErrors.Result(GraphErrors.InvalidParameter("Param business_app must be a valid application id"), state.Settings);
        }

        // This endpoint requires appsecret_proof whatever the app's settings (reference §4.2): HMAC of the caller's
        // token with the secret of the app the token is for.
        if (request["appsecret_proof"] is not { } proof)
        {
            return GraphErrors.Result(GraphErrors.ProofRequired(), state.Settings);
        }

        if (!GraphAuth.ProofMatches(state, request, caller!.Token, app.Secret, proof))
        {
            return GraphErrors.Result(GraphErrors.ProofInvalid(), state.Settings);
        }

        // "The system user must have installed the app". Meta's error text for this case is not published; the
        // edge's documented permission error is the closest (error list of
        // https://developers.facebook.com/documentation/ads-commerce/marketing-api/reference/business/system_user_access_tokens).
        if (!user!.HasInstalled(app.Id))
        {
            return GraphErrors.Result(GraphErrors.PermissionsError(), state.Settings);
        }

        var scopes = (request["scope"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (scopes.FirstOrDefault(s => !KnownScopes.Contains(s)) is not null)
        {
            // Documented on the same reference page: 3962 "Provided permission is not valid".
            return GraphErrors.Result(new GraphError(3962, "(#3962) Provided permission is not valid. Check your spelling and syntax."), state.Settings);
        }

        var expiring = request.Flag("set_token_expires_in_60_days");
        if (!expiring && state.Settings.RequireExpiringSystemUserTokens)
        {
            return GraphErrors.Result(new GraphError(state.Settings.ExpiringTokensRequiredCode, state.Settings.ExpiringTokensRequiredMessage), state.Settings);
        }

        var token = state.MintToken(new TokenSpec
        {
            AppId = app.Id,
            Kind = EmulatorTokenKind.SystemUser,
            Lifetime = expiring ? TokenLifetime.SixtyDays : TokenLifetime.Never,
            Scopes = scopes,
            UserId = user.Id,
        });
        // Only the token: no expires_in here, debug_token tells the expiry (reference §4.2).
        return GraphJson.Ok(new JsonObject { ["access_token"] = token.AccessToken });
    }

    private static async Task<IResult> ListAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (caller, error) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return GraphErrors.Result(error!, state.Settings);
        }

        var businessId = (string)http.Request.RouteValues["id"]!;
        if (state.FindBusiness(businessId) is null)
        {
            return GraphErrors.Result(GraphErrors.UnsupportedRequest("GET", businessId), state.Settings);
        }

        if (!SameBusiness(caller, businessId))
        {
            return GraphErrors.Result(GraphErrors.PermissionsError(), state.Settings);
        }

        var users = state.SystemUsersOf(businessId);
        var data = new JsonArray([.. users.Select(u => (JsonNode)new JsonObject { ["id"] = u.Id, ["name"] = u.Name, ["role"] = u.Role })]);
        var body = new JsonObject { ["data"] = data };
        if (users.Count > 0)
        {
            body["paging"] = new JsonObject
            {
                ["cursors"] = new JsonObject { ["before"] = Cursor(users[0].Id), ["after"] = Cursor(users[^1].Id) },
            };
        }

        if (request["summary"]?.Contains("total_count", StringComparison.Ordinal) == true)
        {
            body["summary"] = new JsonObject { ["total_count"] = users.Count };
        }

        return GraphJson.Ok(body);
    }

    /// <summary>Authenticates the caller and finds the system user of the route; a failure result otherwise.</summary>
    private static async Task<(GraphRequest? Request, GraphCaller? Caller, EmulatorSystemUser? User, IResult? Failure)> PrepareAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (caller, error) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return (request, null, null, GraphErrors.Result(error!, state.Settings));
        }

        var id = (string)http.Request.RouteValues["id"]!;
        if (state.FindSystemUser(id) is not { } user)
        {
            return (request, caller, null, GraphErrors.Result(GraphErrors.UnsupportedRequest(http.Request.Method, id), state.Settings));
        }

        // The caller must be an admin or system user of the same business (install-apps page restrictions).
        if (!SameBusiness(caller, user.BusinessId))
        {
            return (request, caller, user, GraphErrors.Result(GraphErrors.PermissionsError(), state.Settings));
        }

        return (request, caller, user, null);
    }

    private static bool SameBusiness(GraphCaller caller, string businessId) => caller.Record.Kind switch
    {
        EmulatorTokenKind.App => false,
        EmulatorTokenKind.SystemUser => caller.Record.BusinessId is null || caller.Record.BusinessId == businessId,
        // A person's token stands for a business admin when it carries business_management.
        _ => caller.Record.HasScope("business_management"),
    };

    private static string Cursor(string id) => Convert.ToBase64String(Encoding.UTF8.GetBytes(id));
}
