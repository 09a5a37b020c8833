using System.CommandLine;
using Evertoken.Graph;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken exchange</c>: a short-lived user token for a 60-day one (<c>fb_exchange_token</c>), or with
/// <c>--code</c> an Embedded Signup code for a business token (Meta's "onboarding business customers as a Tech
/// Provider" flow: <c>oauth/access_token</c> with client_id, client_secret and code).
/// </summary>
internal static class ExchangeCommand
{
    public static Command Create(CliHost host)
    {
        var token = CredentialOptions.Token();
        var appId = CredentialOptions.AppId();
        var code = new Option<string?>("--code") { Description = "Exchange an Embedded Signup code (Tech Provider onboarding) instead of a token" };
        var redirect = new Option<string?>("--redirect-uri") { Description = "The redirect_uri used when the code was issued, if any" };
        var systemUser = new Option<bool>("--system-user") { Description = "Refresh a 60-day system-user token (set_token_expires_in_60_days=true)" };
        var save = new Option<string?>("--save") { Description = "Store the new token under this name instead of printing it" };
        var command = new Command("exchange", "Exchange a short-lived user token for a 60-day token, or an Embedded Signup code for a business token")
        {
            token, appId, code, redirect, systemUser, save,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var app = RequireApp(ctx, parse.GetValue(appId));
            var graph = ctx.CreateGraphClient();
            var result = parse.GetValue(code) is { Length: > 0 } signupCode
                ? await graph.ExchangeCodeAsync(app, signupCode, parse.GetValue(redirect), ct)
                : await graph.ExchangeTokenAsync(app, ctx.ResolveToken(parse.GetValue(token)), parse.GetValue(systemUser), ct);
            return result.IsSuccess
                ? await IssuedTokenOutput.EmitAsync(ctx, result.Value, parse.GetValue(save), app, "exchanged", ct)
                : IssuedTokenOutput.Fail(ctx, "The exchange", result.Error);
        });
        return command;
    }

    internal static AppCredentials RequireApp(CliContext ctx, string? appIdOption)
    {
        var id = appIdOption ?? ctx.Lookup("APP_ID", "WHATSAPP_APP_ID");
        var secret = ctx.Lookup("APP_SECRET", "WHATSAPP_APP_SECRET");
        return id is null || secret is null
            ? throw new UsageException("This needs the app id and secret: set APP_ID and APP_SECRET in the environment or ./.env (or pass --app-id).")
            : new AppCredentials(id, secret);
    }
}
