using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Builds <c>debug_token</c>'s <c>data</c> object with Meta's fields, presence rules and order (reference
/// graph-tokens.md §1): app_id, type, application, data_access_expires_at, error?, expires_at, is_valid, issued_at?,
/// profile_id?, scopes, granular_scopes?, user_id.
/// </summary>
internal static class DebugTokenData
{
    // Scopes that can be limited to objects and so appear in granular_scopes; only the WhatsApp ones carry WABA targets.
    private static readonly HashSet<string> GranularScopes = new(StringComparer.Ordinal)
    {
        "whatsapp_business_management", "whatsapp_business_messaging", "business_management", "catalog_management",
        "pages_show_list", "pages_read_engagement", "pages_manage_metadata", "pages_manage_posts", "pages_messaging",
        "pages_manage_ads", "instagram_basic", "instagram_manage_comments", "instagram_manage_insights",
        "instagram_content_publish", "instagram_manage_messages", "ads_management", "ads_read", "leads_retrieval",
    };

    private static readonly HashSet<string> WhatsAppScopes = new(StringComparer.Ordinal)
    {
        "whatsapp_business_management", "whatsapp_business_messaging",
    };

    public static string TypeName(EmulatorTokenKind kind) => kind switch
    {
        EmulatorTokenKind.SystemUser => "SYSTEM_USER",
        EmulatorTokenKind.User => "USER",
        EmulatorTokenKind.Page => "PAGE",
        _ => "APP",
    };

    public static JsonObject Build(TokenVerdict verdict)
    {
        var data = new JsonObject();
        if (verdict.Record is not { } record)
        {
            // Unparseable, undecryptable, bad signature or unknown app: only error, is_valid and scopes.
            data["error"] = ErrorNode(verdict.Error!);
            data["is_valid"] = false;
            data["scopes"] = new JsonArray();
            return data;
        }

        var isApp = record.Kind == EmulatorTokenKind.App;
        // A token revoked through the API shows no scopes and no issued_at (fixture debug_token-user-invalidated-466).
        var revoked = verdict.Error?.Subcode == 466;

        data["app_id"] = record.AppId;
        data["type"] = TypeName(record.Kind);
        data["application"] = record.Application;
        if (!isApp)
        {
            // 0 for system users (WhatsApp permissions doc); absent for app tokens.
            data["data_access_expires_at"] = record.DataAccessExpiresAt?.ToUnixTimeSeconds() ?? 0;
        }

        if (verdict.Error is { } error)
        {
            data["error"] = ErrorNode(error);
        }

        if (!isApp)
        {
            data["expires_at"] = record.ExpiresAt?.ToUnixTimeSeconds() ?? 0;
        }

        data["is_valid"] = verdict.IsValid;
        if (!isApp && record.ShowsIssuedAt && !revoked)
        {
            data["issued_at"] = record.IssuedAt.ToUnixTimeSeconds();
        }

        if (record.ProfileId is { } profile)
        {
            data["profile_id"] = profile;
        }

        data["scopes"] = revoked ? new JsonArray() : new JsonArray([.. record.Scopes.Select(s => JsonValue.Create(s))]);
        if (!revoked && Granular(record) is { Count: > 0 } granular)
        {
            data["granular_scopes"] = granular;
        }

        if (record.UserId is { } user)
        {
            data["user_id"] = user;
        }

        return data;
    }

    private static JsonArray Granular(TokenRecord record)
    {
        var list = new JsonArray();
        foreach (var scope in record.Scopes.Where(GranularScopes.Contains))
        {
            var entry = new JsonObject { ["scope"] = scope };
            // target_ids is left out when the grant is not limited to particular objects.
            if (WhatsAppScopes.Contains(scope) && record.WabaIds.Count > 0)
            {
                entry["target_ids"] = new JsonArray([.. record.WabaIds.Select(id => JsonValue.Create(id))]);
            }

            list.Add(entry);
        }

        return list;
    }

    // Inside debug_token the subcode key is "subcode", not "error_subcode".
    private static JsonObject ErrorNode(GraphError error)
    {
        var node = new JsonObject { ["code"] = error.Code, ["message"] = error.Message };
        if (error.Subcode is { } subcode)
        {
            node["subcode"] = subcode;
        }

        return node;
    }
}
