using Evertoken.Server.Auth;
using Evertoken.Storage;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// The proxy's own check of <c>Authorization: Bearer etk_...</c>, the same rule as the <c>proxy</c> policy without
/// the authentication and authorization middleware: a live client key with the <c>proxy</c> right passes; no key, a
/// malformed, unknown, revoked or wrong one gets 401; the admin key or a key without the right gets 403. A rejected
/// call is answered here (problem details) and never reaches upstream. A cached key is checked without allocating.
/// </summary>
internal sealed class ProxyKeyCheck(ClientKeyCache keys, AdminCredentials admin)
{
    private const string Bearer = "Bearer ";
    private const string ProxyScope = "proxy";

    /// <summary>The caller's client key; null when the call was refused (the answer is then written).</summary>
    public ValueTask<ClientKey?> AuthorizeAsync(HttpContext context)
    {
        // A single header value comes back as the same string, no copy.
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header.AsSpan(Bearer.Length).Trim() : [];
        if (presented.StartsWith(ClientKeySecret.Prefix, StringComparison.Ordinal))
        {
            return keys.TryAuthenticateCached(presented, out var key) ? Decide(context, key) : LoadAsync(context, presented.ToString());
        }

        var status = !presented.IsEmpty && admin.IsApiKey(presented.ToString()) ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        return RefuseAsync(context, status);
    }

    private async ValueTask<ClientKey?> LoadAsync(HttpContext context, string presented) =>
        await Decide(context, await keys.AuthenticateAsync(presented, context.RequestAborted));

    private static ValueTask<ClientKey?> Decide(HttpContext context, ClientKey? key)
    {
        if (key is null)
        {
            return RefuseAsync(context, StatusCodes.Status401Unauthorized);
        }

        return HasProxyScope(key) ? ValueTask.FromResult<ClientKey?>(key) : RefuseAsync(context, StatusCodes.Status403Forbidden);
    }

    private static bool HasProxyScope(ClientKey key)
    {
        // Indexing, not LINQ: no enumerator on the hot path.
        var scopes = key.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (string.Equals(scopes[i], ProxyScope, StringComparison.Ordinal))
            {
                return key.RevokedAt is null;
            }
        }

        return false;
    }

    private static async ValueTask<ClientKey?> RefuseAsync(HttpContext context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            // RFC 6750 §3: a bearer-protected resource names its scheme in the challenge.
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        var detail = status == StatusCodes.Status401Unauthorized
            ? "Send a live client key as Authorization: Bearer etk_..."
            : "This key may not use the Graph API proxy: it needs a client key with the proxy right.";
        await TypedResults.Problem(detail, statusCode: status).ExecuteAsync(context);
        return null;
    }
}
