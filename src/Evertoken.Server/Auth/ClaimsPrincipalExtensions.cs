using System.Security.Claims;

namespace Evertoken.Server.Auth;

/// <summary>Reads Evertoken's claims.</summary>
public static class ClaimsPrincipalExtensions
{
    /// <summary>Who is calling, for the audit log: <c>admin</c> or <c>key:&lt;id&gt;</c>.</summary>
    public static string Actor(this ClaimsPrincipal user) =>
        user.IsInRole(EvertokenAuth.AdminRole) ? "admin" : $"key:{user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "anonymous"}";

    /// <summary>True when the caller may use a token: the admin, or a client key listing it (or <c>*</c>).</summary>
    public static bool MayUseToken(this ClaimsPrincipal user, string tokenName) =>
        user.IsInRole(EvertokenAuth.AdminRole) || user.FindAll(EvertokenAuth.TokenClaim).Any(c => c.Value == "*" || c.Value == tokenName);

    /// <summary>The single token a client key is bound to, when it is bound to exactly one.</summary>
    public static string? SingleToken(this ClaimsPrincipal user) =>
        user.FindAll(EvertokenAuth.TokenClaim).Select(c => c.Value).ToList() is [var only] && only != "*" ? only : null;
}
