using Evertoken.Server.Api.Internal;
using Evertoken.Tokens;

namespace Evertoken.Server.Api;

/// <summary>
/// <c>GET /v1/tokens/{name}/value</c> on a lean path of its own, ahead of routing, authentication, authorization and
/// status code pages: an app that reads its token often pays for a key check against the client key cache, a cached
/// token and a queued audit entry, not for the whole pipeline. It answers exactly as the endpoint in
/// <see cref="TokensApi"/> does (the <c>read-token</c> policy's 401 and 403, 404, 200 with the same JSON and audit entry);
/// a request it does not recognise plainly (another method, a trailing slash, other casing, an encoded character in the
/// name) goes on down the pipeline to that endpoint.
/// </summary>
public static class TokenValueReads
{
    /// <summary>The audit action of a value read.</summary>
    public const string AuditAction = "token.read";

    /// <summary>The <c>Cache-Control</c> of a value read's answer: it carries a secret, so no cache may keep it.</summary>
    public const string CacheControl = "no-store";

    /// <summary>
    /// Serves value reads from here on in the pipeline; call it after the exception handler (a failure still becomes a
    /// 500 problem) and before <c>UseRouting</c>.
    /// </summary>
    public static IApplicationBuilder UseTokenValueReads(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Built once from singletons: a per-request RequestServices lookup would create a DI scope for every read.
        var reader = ActivatorUtilities.CreateInstance<TokenValueReader>(app.ApplicationServices);
        return app.Use(next => context => reader.InvokeAsync(context, next));
    }

    /// <summary>The answer for a token read under a name.</summary>
    internal static TokenValueView View(string name, CurrentToken token) => new(name, token.Version, token.Value, token.ExpiresAt, token.Proof);

    /// <summary>The audit entry's detail for a read: the version and the fingerprint.</summary>
    internal static string AuditDetail(CurrentToken token) => $"version {token.Version} {token.Fingerprint}";
}
