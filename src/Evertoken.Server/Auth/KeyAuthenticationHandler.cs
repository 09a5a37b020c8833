using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>: the admin API key (role admin) or a client key (its rights
/// and tokens as claims). Anything else is no identity; a wrong key never reaches a handler or Graph.
/// </summary>
public sealed class KeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminCredentials admin,
    ClientKeyCache clientKeys) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = header["Bearer ".Length..].Trim();
        if (presented.StartsWith(Storage.ClientKeySecret.Prefix, StringComparison.Ordinal))
        {
            var key = await clientKeys.AuthenticateAsync(presented, Context.RequestAborted);
            if (key is null)
            {
                return AuthenticateResult.Fail("Unknown or revoked client key.");
            }

            var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, key.Id), new(ClaimTypes.Name, key.Name) };
            claims.AddRange(key.Scopes.Select(s => new Claim(EvertokenAuth.ScopeClaim, s)));
            claims.AddRange(key.Tokens.Select(t => new Claim(EvertokenAuth.TokenClaim, t)));
            return Success(claims);
        }

        return admin.IsApiKey(presented)
            ? Success([new(ClaimTypes.NameIdentifier, "admin"), new(ClaimTypes.Name, "admin"), new(ClaimTypes.Role, EvertokenAuth.AdminRole)])
            : AuthenticateResult.Fail("Unknown key.");
    }

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        BearerKeyCheck.AddChallenge(Response);
        return base.HandleChallengeAsync(properties);
    }

    private AuthenticateResult Success(IEnumerable<Claim> claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));
}
