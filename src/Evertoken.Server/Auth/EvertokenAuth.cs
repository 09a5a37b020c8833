namespace Evertoken.Server.Auth;

/// <summary>Names of the authentication scheme, claims and policies.</summary>
public static class EvertokenAuth
{
    /// <summary>Bearer keys: the admin API key or a client key.</summary>
    public const string KeyScheme = "EvertokenKey";

    /// <summary>The dashboard's admin session cookie.</summary>
    public const string CookieScheme = "EvertokenCookie";

    /// <summary>Claim: a right of a client key.</summary>
    public const string ScopeClaim = "evertoken:scope";

    /// <summary>Claim: a token a client key may use (<c>*</c> for all).</summary>
    public const string TokenClaim = "evertoken:token";

    /// <summary>Role of the admin.</summary>
    public const string AdminRole = "admin";

    /// <summary>Policy: the admin (key or dashboard login).</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Policy: a client key with <c>proxy</c>.</summary>
    public const string ProxyPolicy = "proxy";

    /// <summary>Policy: a client key with <c>send</c>.</summary>
    public const string SendPolicy = "send";

    /// <summary>Policy: a client key with <c>read-token</c>.</summary>
    public const string ReadTokenPolicy = "read-token";
}
