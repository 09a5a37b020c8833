using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// WhatsApp account endpoints: a phone number (or WABA) node, a WABA's phone numbers and its subscribed apps
/// (reference whatsapp-cloud-api.md §6, fixtures response.get-phone-number.json, response.list-phone-numbers.json,
/// response.get-subscribed-apps.json, response.subscribe-app.json).
/// </summary>
internal static class WhatsAppAccountEndpoints
{
    private const string Management = "whatsapp_business_management";
    private const string Messaging = "whatsapp_business_messaging";

    private static readonly string[] DefaultPhoneFields = ["id", "display_phone_number", "verified_name", "quality_rating"];

    // The list edge answers with the fields of the fixture (response.list-phone-numbers.json) unless fields= is given.
    private static readonly string[] DefaultListFields =
    [
        "id", "display_phone_number", "verified_name", "status", "quality_rating", "country_code", "country_dial_code",
        "code_verification_status", "unified_cert_status", "account_mode", "host_platform", "messaging_limit_tier",
        "is_official_business_account", "username",
    ];

    private static readonly Dictionary<string, Func<EmulatorPhoneNumber, JsonNode?>> PhoneFields = new(StringComparer.Ordinal)
    {
        ["id"] = n => n.Id,
        ["display_phone_number"] = n => n.DisplayPhoneNumber,
        ["verified_name"] = n => n.VerifiedName,
        ["quality_rating"] = n => n.QualityRating,
        ["name_status"] = n => n.NameStatus,
        ["code_verification_status"] = n => n.CodeVerificationStatus,
        ["status"] = n => n.Status,
        ["platform_type"] = n => n.PlatformType,
        ["throughput"] = n => new JsonObject { ["level"] = n.ThroughputLevel },
        ["messaging_limit_tier"] = n => n.MessagingLimitTier,
        ["account_mode"] = n => n.AccountMode,
        ["country_code"] = n => n.CountryCode,
        ["country_dial_code"] = n => n.CountryDialCode,
        ["unified_cert_status"] = n => n.UnifiedCertStatus,
        ["host_platform"] = n => n.PlatformType,
        ["is_official_business_account"] = n => n.IsOfficialBusinessAccount,
        ["username"] = n => n.Username,
    };

    public static void Map(GraphRouteGroup graph)
    {
        graph.MapGet("/{id}", GetNodeAsync);
        graph.MapGet("/{id}/phone_numbers", ListPhoneNumbersAsync);
        graph.MapGet("/{id}/subscribed_apps", ListSubscribedAppsAsync);
        graph.MapPost("/{id}/subscribed_apps", SubscribeAsync);
        graph.MapDelete("/{id}/subscribed_apps", UnsubscribeAsync);
    }

    private static async Task<IResult> GetNodeAsync(HttpContext http, EmulatorState state)
    {
        var (request, caller, failure) = await AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var id = Id(http);
        if (state.FindPhoneNumber(id) is { } number)
        {
            if (!caller.Record.HasScope(Messaging) && !caller.Record.HasScope(Management))
            {
                return GraphErrors.Result(GraphErrors.PermissionsError(), state.Settings);
            }

            if (!caller.Record.CanReachPhoneNumber(number.Id, number.WabaId))
            {
                return GraphErrors.Result(GraphErrors.UnsupportedRequest("GET", id), state.Settings);
            }

            return Fields(request, DefaultPhoneFields, "WhatsAppBusinessPhoneNumber", out var fields) is { } bad
                ? GraphErrors.Result(bad, state.Settings)
                : GraphJson.Ok(PhoneNode(number, fields));
        }

        if (state.FindWaba(id) is { } waba)
        {
            if (WabaAccess(state, caller, waba.Id, http.Request.Method) is { } denied)
            {
                return denied;
            }

            return GraphJson.Ok(new JsonObject { ["id"] = waba.Id, ["name"] = waba.Name });
        }

        return GraphErrors.Result(GraphErrors.UnsupportedRequest("GET", id), state.Settings);
    }

    private static async Task<IResult> ListPhoneNumbersAsync(HttpContext http, EmulatorState state)
    {
        var (request, caller, failure) = await AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var wabaId = Id(http);
        if (WabaAccess(state, caller, wabaId, "GET") is { } denied)
        {
            return denied;
        }

        if (Fields(request, DefaultListFields, "WhatsAppBusinessPhoneNumber", out var fields) is { } bad)
        {
            return GraphErrors.Result(bad, state.Settings);
        }

        var limit = int.TryParse(request["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 100) : 25;
        var start = request["after"] is { } after && DecodeCursor(after) is { } position ? position + 1 : 0;
        var numbers = state.PhoneNumbersOf(wabaId).Where(n => caller.Record.CanReachPhoneNumber(n.Id, wabaId)).ToList();
        var page = numbers.Skip(start).Take(limit).ToList();

        var body = new JsonObject { ["data"] = new JsonArray([.. page.Select(n => (JsonNode)PhoneNode(n, fields))]) };
        if (page.Count > 0)
        {
            var paging = new JsonObject
            {
                ["cursors"] = new JsonObject { ["before"] = EncodeCursor(start), ["after"] = EncodeCursor(start + page.Count - 1) },
            };
            if (start + page.Count < numbers.Count)
            {
                var next = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.Path}?limit={limit}&after={EncodeCursor(start + page.Count - 1)}";
                paging["next"] = next;
            }

            body["paging"] = paging;
        }

        return GraphJson.Ok(body);
    }

    private static async Task<IResult> ListSubscribedAppsAsync(HttpContext http, EmulatorState state)
    {
        var (_, caller, failure) = await AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var wabaId = Id(http);
        if (WabaAccess(state, caller, wabaId, "GET") is { } denied)
        {
            return denied;
        }

        var data = new JsonArray();
        foreach (var subscription in state.FindWaba(wabaId)!.Subscriptions.OrderBy(s => s.AppId, StringComparer.Ordinal))
        {
            var app = state.FindApp(subscription.AppId);
            var entry = new JsonObject
            {
                ["whatsapp_business_api_data"] = new JsonObject
                {
                    ["id"] = subscription.AppId,
                    ["name"] = app?.Name ?? "",
                    ["link"] = $"https://www.facebook.com/games/?app_id={subscription.AppId}",
                },
            };
            if (subscription.OverrideCallbackUri is { } uri)
            {
                entry["override_callback_uri"] = uri;
            }

            data.Add(entry);
        }

        return GraphJson.Ok(new JsonObject { ["data"] = data });
    }

    private static async Task<IResult> SubscribeAsync(HttpContext http, EmulatorState state)
    {
        var (request, caller, failure) = await AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var wabaId = Id(http);
        if (WabaAccess(state, caller, wabaId, "POST") is { } denied)
        {
            return denied;
        }

        // The subscribing app is the app of the token; an override callback needs its verify token.
        var uri = request["override_callback_uri"];
        var verifyToken = request["verify_token"];
        if (uri is not null && verifyToken is null)
        {
            return GraphErrors.Result(GraphErrors.MissingParameter("verify_token"), state.Settings);
        }

        state.SubscribeApp(wabaId, caller.App.Id, uri, verifyToken);
        return GraphJson.Success();
    }

    private static async Task<IResult> UnsubscribeAsync(HttpContext http, EmulatorState state)
    {
        var (_, caller, failure) = await AuthenticateAsync(http, state);
        if (caller is null)
        {
            return failure!;
        }

        var wabaId = Id(http);
        if (WabaAccess(state, caller, wabaId, "DELETE") is { } denied)
        {
            return denied;
        }

        state.UnsubscribeApp(wabaId, caller.App.Id);
        return GraphJson.Success();
    }

    private static async Task<(GraphRequest Request, GraphCaller? Caller, IResult? Failure)> AuthenticateAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (caller, error) = GraphAuth.Authenticate(state, request);
        return (request, caller, caller is null ? GraphErrors.Result(error!, state.Settings) : null);
    }

    /// <summary>
    /// WABA endpoints need whatsapp_business_management, else "(#200) Permissions error" (403); a WABA that does not
    /// exist or is outside the grant's targets is answered like an object the caller cannot see (100/33, 400).
    /// </summary>
    private static IResult? WabaAccess(EmulatorState state, GraphCaller caller, string wabaId, string method)
    {
        if (state.FindWaba(wabaId) is null)
        {
            return GraphErrors.Result(GraphErrors.UnsupportedRequest(method, wabaId), state.Settings);
        }

        if (!caller.Record.HasScope(Management))
        {
            return GraphErrors.Result(GraphErrors.PermissionsError(), state.Settings);
        }

        return caller.Record.CanReachWaba(wabaId) ? null : GraphErrors.Result(GraphErrors.UnsupportedRequest(method, wabaId), state.Settings);
    }

    /// <summary>Parses <c>fields=</c> (e.g. <c>name_status,throughput{level}</c>); <c>id</c> always comes first, as on Graph.</summary>
    private static GraphError? Fields(GraphRequest request, string[] defaults, string nodeType, out IReadOnlyList<string> fields)
    {
        if (request["fields"] is not { } text)
        {
            fields = defaults;
            return null;
        }

        var list = new List<string> { "id" };
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.Split('{')[0].Trim();
            if (!PhoneFields.ContainsKey(name))
            {
                fields = [];
                return GraphErrors.NonexistingField(name, nodeType);
            }

            if (!list.Contains(name))
            {
                list.Add(name);
            }
        }

        fields = list;
        return null;
    }

    private static JsonObject PhoneNode(EmulatorPhoneNumber number, IReadOnlyList<string> fields)
    {
        var node = new JsonObject();
        foreach (var field in fields)
        {
            node[field] = PhoneFields[field](number);
        }

        return node;
    }

    private static string Id(HttpContext http) => (string)http.Request.RouteValues["id"]!;

    private static string EncodeCursor(int position) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(position.ToString(CultureInfo.InvariantCulture)));

    private static int? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position) ? position : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
