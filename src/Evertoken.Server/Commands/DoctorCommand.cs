using System.CommandLine;
using Evertoken.Server.Cli;
using Evertoken.Tokens;
using Spectre.Console;

namespace Evertoken.Server.Commands;

/// <summary><c>evertoken doctor</c>: every check, in setup order, with the fix for each.</summary>
internal static class DoctorCommand
{
    public static Command Create(CliHost host)
    {
        var token = CredentialOptions.Token();
        var appId = CredentialOptions.AppId();
        var phone = CredentialOptions.PhoneNumberId();
        var waba = CredentialOptions.WabaId();
        var business = new Option<bool>("--business-management") { Description = "Also require business_management (to manage system users through the API)" };
        var command = new Command("doctor", "Diagnose a token and its WhatsApp setup: what is wrong, and which setup step fixes it")
        {
            token, appId, phone, waba, business,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var request = new DoctorRequest
            {
                Token = ctx.ResolveToken(parse.GetValue(token)),
                AppId = parse.GetValue(appId) ?? ctx.Lookup("APP_ID", "WHATSAPP_APP_ID"),
                AppSecret = ctx.Lookup("APP_SECRET", "WHATSAPP_APP_SECRET"),
                PhoneNumberId = parse.GetValue(phone) ?? ctx.Lookup("WHATSAPP_PHONE_NUMBER_ID", "PHONE_NUMBER_ID"),
                WabaId = parse.GetValue(waba) ?? ctx.Lookup("WHATSAPP_BUSINESS_ACCOUNT_ID", "WABA_ID"),
                RequireBusinessManagement = parse.GetValue(business),
            };
            var doctor = new TokenDoctor(ctx.CreateGraphClient(), ctx.Host.Time);
            var diagnosis = await doctor.DiagnoseAsync(request, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(diagnosis);
            }
            else
            {
                ctx.Console.MarkupLine($"Token {Render.Esc(diagnosis.Fingerprint)}");
                Render.Checks(ctx.Console, diagnosis);
            }

            return (int)diagnosis.Verdict;
        });
        return command;
    }
}
