using System.Security.Claims;
using Evertoken.Server.Auth;
using Evertoken.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>Signing the admin in and out of the dashboard (the cookie scheme <see cref="EvertokenAuth.CookieScheme"/>).</summary>
internal static class DashboardSession
{
    /// <summary>Maps <c>POST /logout</c>: antiforgery-checked, then the cookie is cleared and the browser goes to the login page.</summary>
    public static IEndpointRouteBuilder MapDashboardSession(this IEndpointRouteBuilder app)
    {
        // The policy authenticates the cookie first: the antiforgery token was issued to the signed-in admin.
        app.MapPost("/logout", LogoutAsync).ExcludeFromDescription().RequireAuthorization(DashboardExtensions.Policy);
        return app;
    }

    /// <summary>Issues the session cookie for the admin.</summary>
    public static Task SignInAsync(HttpContext context)
    {
        var identity = new ClaimsIdentity(
            [new(ClaimTypes.NameIdentifier, "admin"), new(ClaimTypes.Name, "admin"), new(ClaimTypes.Role, EvertokenAuth.AdminRole)],
            EvertokenAuth.CookieScheme);
        return context.SignInAsync(EvertokenAuth.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    /// <summary>The client address the login throttle counts failures for.</summary>
    // REVIEW: behind a reverse proxy every client shares the proxy's address unless forwarded headers are configured.
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery, ITokenStore store, TimeProvider time)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem(title: "Missing or invalid antiforgery token", statusCode: StatusCodes.Status400BadRequest);
        }

        await context.SignOutAsync(EvertokenAuth.CookieScheme);
        await store.AppendAuditAsync(new AuditEntry { At = time.GetUtcNow(), Action = "login.signed_out", Actor = "admin", Detail = ClientAddress(context) }, context.RequestAborted);

        return TypedResults.Redirect("/login");
    }
}
