using System.CommandLine;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary><c>evertoken app-token</c>: an app access token (<c>client_credentials</c>); it lasts until the app secret is reset.</summary>
internal static class AppTokenCommand
{
    public static Command Create(CliHost host)
    {
        var appId = CredentialOptions.AppId();
        var save = new Option<string?>("--save") { Description = "Store the app token under this name instead of printing it" };
        var command = new Command("app-token", "Get an app access token (client_credentials) from APP_ID and APP_SECRET") { appId, save };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var app = ExchangeCommand.RequireApp(ctx, parse.GetValue(appId));
            var result = await ctx.CreateGraphClient().GetAppTokenAsync(app, ct);
            return result.IsSuccess
                ? await IssuedTokenOutput.EmitAsync(ctx, result.Value, parse.GetValue(save), app, "generated", ct)
                : IssuedTokenOutput.Fail(ctx, "Getting the app token", result.Error);
        });
        return command;
    }
}
