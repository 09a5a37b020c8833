using Evertoken.Server.Auth;
using Evertoken.Storage;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// The proxy's own check of <c>Authorization: Bearer etk_...</c>, the same rule as the <c>proxy</c> policy without
/// the authentication and authorization middleware (<see cref="BearerKeyCheck"/> with the <c>proxy</c> right). A
/// rejected call is answered here (problem details, and the <c>Bearer</c> challenge on a 401) and never reaches
/// upstream.
/// </summary>
internal sealed class ProxyKeyCheck(BearerKeyCheck check)
{
    private const string ProxyScope = "proxy";

    /// <summary>The caller's client key; null when the call was refused (the answer is then written).</summary>
    public ValueTask<ClientKey?> AuthorizeAsync(HttpContext context)
    {
        var pending = check.CheckAsync(context, ProxyScope);
        return pending.IsCompletedSuccessfully ? Decide(context, pending.Result) : DecideWhenLoadedAsync(context, pending);
    }

    private static async ValueTask<ClientKey?> DecideWhenLoadedAsync(HttpContext context, ValueTask<BearerKeyCheckResult> pending) =>
        await Decide(context, await pending);

    private static ValueTask<ClientKey?> Decide(HttpContext context, BearerKeyCheckResult result) =>
        result.Key is { } key ? ValueTask.FromResult<ClientKey?>(key) : RefuseAsync(context, result.Status);

    private static async ValueTask<ClientKey?> RefuseAsync(HttpContext context, int status)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            BearerKeyCheck.AddChallenge(context.Response);
        }

        var detail = status == StatusCodes.Status401Unauthorized
            ? "Send a live client key as Authorization: Bearer etk_..."
            : "This key may not use the Graph API proxy: it needs a client key with the proxy right.";
        await TypedResults.Problem(detail, statusCode: status).ExecuteAsync(context);
        return null;
    }
}
