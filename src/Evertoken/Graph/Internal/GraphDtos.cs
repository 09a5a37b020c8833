using System.Text.Json;
using System.Text.Json.Serialization;

namespace Evertoken.Graph.Internal;

// Wire shapes of Graph responses (shared/reference/graph-tokens.md §1, §2, §4, §6; whatsapp-cloud-api.md §6).
// They stay internal: the public API exposes TokenInfo, IssuedToken, GraphError and the small records next to GraphClient.

/// <summary><c>GET /debug_token</c>: <c>{"data":{...}}</c>.</summary>
internal sealed class DebugTokenResponse
{
    [JsonPropertyName("data")]
    public DebugTokenData? Data { get; set; }
}

/// <summary>The <c>data</c> object of debug_token. Every field is optional: an unparseable token only has
/// <c>error</c>, <c>is_valid</c> and <c>scopes</c>.</summary>
internal sealed class DebugTokenData
{
    [JsonPropertyName("app_id")]
    public string? AppId { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("application")]
    public string? Application { get; set; }

    [JsonPropertyName("data_access_expires_at")]
    public long? DataAccessExpiresAt { get; set; }

    [JsonPropertyName("error")]
    public DebugTokenError? Error { get; set; }

    [JsonPropertyName("expires_at")]
    public long? ExpiresAt { get; set; }

    [JsonPropertyName("is_valid")]
    public bool IsValid { get; set; }

    [JsonPropertyName("issued_at")]
    public long? IssuedAt { get; set; }

    [JsonPropertyName("profile_id")]
    public string? ProfileId { get; set; }

    [JsonPropertyName("scopes")]
    public List<string>? Scopes { get; set; }

    [JsonPropertyName("granular_scopes")]
    public List<GranularScopeDto>? GranularScopes { get; set; }

    [JsonPropertyName("user_id")]
    public string? UserId { get; set; }
}

/// <summary><c>data.error</c> of debug_token. Meta calls the subcode <c>subcode</c> here, not <c>error_subcode</c>.</summary>
internal sealed class DebugTokenError
{
    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("subcode")]
    public int? Subcode { get; set; }

    // Not seen in captures, read in case Meta ever aligns the key with the top-level envelope.
    [JsonPropertyName("error_subcode")]
    public int? ErrorSubcode { get; set; }
}

/// <summary>One <c>granular_scopes</c> entry; <c>target_ids</c> is left out when the grant has no target limit.</summary>
internal sealed class GranularScopeDto
{
    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("target_ids")]
    public List<string>? TargetIds { get; set; }
}

/// <summary><c>oauth/access_token</c> and <c>{system-user-id}/access_tokens</c>.</summary>
internal sealed class OAuthTokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    // Optional: missing for app tokens, system-user token creation, and (unconfirmed) non-expiring exchanges.
    [JsonPropertyName("expires_in")]
    public long? ExpiresIn { get; set; }
}

/// <summary>The Graph error envelope <c>{"error":{...}}</c>.</summary>
internal sealed class GraphErrorEnvelope
{
    [JsonPropertyName("error")]
    public GraphErrorBody? Error { get; set; }
}

/// <summary>The body of the Graph error envelope.</summary>
internal sealed class GraphErrorBody
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("error_subcode")]
    public int? ErrorSubcode { get; set; }

    [JsonPropertyName("is_transient")]
    public bool? IsTransient { get; set; }

    [JsonPropertyName("error_user_title")]
    public string? ErrorUserTitle { get; set; }

    [JsonPropertyName("error_user_msg")]
    public string? ErrorUserMsg { get; set; }

    // An object {messaging_product, details} in WhatsApp errors; some older Graph errors send a JSON string here.
    [JsonPropertyName("error_data")]
    public JsonElement ErrorData { get; set; }

    [JsonPropertyName("fbtrace_id")]
    public string? FbTraceId { get; set; }
}

/// <summary>A Graph edge page: <c>{"data":[...],"paging":{...}}</c>.</summary>
internal sealed class GraphPage<T>
{
    [JsonPropertyName("data")]
    public List<T>? Data { get; set; }

    [JsonPropertyName("paging")]
    public GraphPaging? Paging { get; set; }
}

/// <summary>Cursor paging: <c>next</c> is left out on the last page.
/// https://developers.facebook.com/docs/graph-api/results</summary>
internal sealed class GraphPaging
{
    [JsonPropertyName("cursors")]
    public GraphCursors? Cursors { get; set; }

    [JsonPropertyName("next")]
    public string? Next { get; set; }
}

/// <summary><c>paging.cursors</c>.</summary>
internal sealed class GraphCursors
{
    [JsonPropertyName("before")]
    public string? Before { get; set; }

    [JsonPropertyName("after")]
    public string? After { get; set; }
}

/// <summary>One entry of <c>GET /{waba-id}/subscribed_apps</c>.</summary>
internal sealed class SubscribedAppEntry
{
    [JsonPropertyName("whatsapp_business_api_data")]
    public SubscribedApp? App { get; set; }
}
