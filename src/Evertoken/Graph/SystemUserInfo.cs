using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>A Business Manager system user, as <c>GET /{business-id}/system_users</c> lists it.</summary>
/// <param name="Id">The system user's id (the <c>user_id</c> debug_token reports for its tokens).</param>
/// <param name="Name">Its name in Business Settings.</param>
/// <param name="Role">Its role, e.g. <c>ADMIN</c> or <c>EMPLOYEE</c> (Meta's exact spelling is unconfirmed).</param>
public sealed record SystemUserInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("role")] string? Role);
