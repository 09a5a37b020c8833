using Evertoken.Storage;

namespace Evertoken.Server.Auth;

/// <summary>
/// The rule of a client-key policy (<c>proxy</c>, <c>read-token</c>) applied to <c>Authorization: Bearer etk_...</c>
/// without the authentication and authorization middleware, for the lean paths ahead of routing: a live client key
/// with the right passes; the admin key or a key without the right is an identity without it (403); no key or a
/// malformed, unknown, revoked or wrong one is no identity (401). A cached key is checked without allocating. The
/// caller writes its own refusal.
/// </summary>
internal sealed class BearerKeyCheck(ClientKeyCache keys, AdminCredentials admin)
{
    private const string Bearer = "Bearer ";

    /// <summary>
    /// Names the scheme on a 401 (RFC 6750 §3), as every key-protected answer does: the key scheme's challenge and the
    /// lean paths' own refusals.
    /// </summary>
    public static void AddChallenge(HttpResponse response) => response.Headers.WWWAuthenticate = "Bearer";

    /// <summary>The caller's client key when it has <paramref name="scope"/>; otherwise the status to refuse with.</summary>
    public ValueTask<BearerKeyCheckResult> CheckAsync(HttpContext context, string scope)
    {
        // A single header value comes back as the same string, no copy.
        var header = context.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? header.AsSpan(Bearer.Length).Trim() : [];
        if (presented.StartsWith(ClientKeySecret.Prefix, StringComparison.Ordinal))
        {
            return keys.TryAuthenticateCached(presented, out var key)
                ? ValueTask.FromResult(Decide(key, scope))
                : LoadAsync(presented.ToString(), scope, context.RequestAborted);
        }

        var status = !presented.IsEmpty && admin.IsApiKey(presented.ToString()) ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
        return ValueTask.FromResult(new BearerKeyCheckResult(null, status));
    }

    private async ValueTask<BearerKeyCheckResult> LoadAsync(string presented, string scope, CancellationToken ct) =>
        Decide(await keys.AuthenticateAsync(presented, ct), scope);

    private static BearerKeyCheckResult Decide(ClientKey? key, string scope) =>
        key is null ? new(null, StatusCodes.Status401Unauthorized)
        : HasScope(key, scope) ? new(key, StatusCodes.Status200OK)
        : new(null, StatusCodes.Status403Forbidden);

    private static bool HasScope(ClientKey key, string scope)
    {
        // Indexing, not LINQ: no enumerator on the hot path.
        var scopes = key.Scopes;
        for (var i = 0; i < scopes.Count; i++)
        {
            if (string.Equals(scopes[i], scope, StringComparison.Ordinal))
            {
                return key.RevokedAt is null;
            }
        }

        return false;
    }
}

/// <summary>What <see cref="BearerKeyCheck"/> decided: the key (passed) or the refusal status (401 or 403).</summary>
internal readonly record struct BearerKeyCheckResult(ClientKey? Key, int Status);
