using System.CommandLine;
using Evertoken.Server.Cli;
using Evertoken.Tokens;
using Spectre.Console;

namespace Evertoken.Server.Commands;

/// <summary><c>evertoken inspect [TOKEN|-]</c>: what Meta's debug_token says about a token, in plain words.</summary>
internal static class InspectCommand
{
    public static Command Create(CliHost host)
    {
        var token = CredentialOptions.Token();
        var appId = CredentialOptions.AppId();
        var command = new Command("inspect", "Show a token's kind, app, expiry, scopes and the WhatsApp accounts it reaches (Graph debug_token)")
        {
            token, appId,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var request = new DoctorRequest
            {
                Token = ctx.ResolveToken(parse.GetValue(token)),
                AppId = parse.GetValue(appId) ?? ctx.Lookup("APP_ID", "WHATSAPP_APP_ID"),
                AppSecret = ctx.Lookup("APP_SECRET", "WHATSAPP_APP_SECRET"),
                CheckWhatsApp = false,
            };
            var doctor = new TokenDoctor(ctx.CreateGraphClient(), ctx.Host.Time);
            var diagnosis = await doctor.DiagnoseAsync(request, ct);
            var now = ctx.Host.Time.GetUtcNow();
            if (ctx.Json)
            {
                ctx.WriteJson(InspectReport.From(diagnosis, now));
            }
            else
            {
                Print(ctx.Console, diagnosis, now);
            }

            return (int)diagnosis.Verdict;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, Diagnosis diagnosis, DateTimeOffset now)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Token", Render.Esc(diagnosis.Fingerprint));
        if (diagnosis.Info is { } info)
        {
            grid.AddRow("Valid", info.IsValid ? "[green]yes[/]" : "[red]no[/]");
            if (info.AppId is not null)
            {
                grid.AddRow("Kind", Render.Kind(info.Kind));
                grid.AddRow("App", Render.Esc($"{info.Application} ({info.AppId})"));
                if (info.UserId is not null)
                {
                    grid.AddRow(info.Kind == TokenKind.SystemUser ? "System user" : "User", Render.Esc(info.UserId));
                }

                grid.AddRow("Issued", info.IssuedAt is { } issued ? TokenDoctor.Date(issued) : "not reported (short-lived tokens have no issue date)");
                grid.AddRow("Expires", Render.Esc(Render.Expiry(info, now)));
                if (info.DataAccessExpiresAt is { } dataAccess)
                {
                    grid.AddRow("Data access until", TokenDoctor.Date(dataAccess));
                }

                grid.AddRow("Scopes", info.Scopes.Count == 0 ? "(none)" : Render.Esc(string.Join(", ", info.Scopes)));
                var accounts = InspectReport.WhatsAppAccounts(info);
                grid.AddRow("WhatsApp accounts", accounts.Count == 0 ? "(all the system user can reach, or none)" : Render.Esc(string.Join(", ", accounts)));
            }

            if (info.Error is { } error)
            {
                grid.AddRow("Meta says", Render.Esc($"{error.Message} (code {error.Code}{(error.Subcode is { } s ? $", subcode {s}" : "")})"));
            }
        }

        console.Write(grid);
        console.WriteLine();
        Render.Checks(console, diagnosis);
    }
}
