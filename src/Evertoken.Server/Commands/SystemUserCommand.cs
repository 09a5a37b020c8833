using System.CommandLine;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken system-user token</c>: installs the app for the system user if needed
/// (<c>POST /{system-user-id}/applications</c>), then generates a token (<c>POST /{system-user-id}/access_tokens</c>,
/// with appsecret_proof) — the API form of Business Settings → System users → Generate new token.
/// </summary>
internal static class SystemUserCommand
{
    private static readonly string[] DefaultScopes = ["whatsapp_business_messaging", "whatsapp_business_management"];

    public static Command Create(CliHost host)
    {
        var systemUserId = new Option<string?>("--system-user-id") { Description = "The system user's id (Business Settings → System users) [env/.env: SYSTEM_USER_ID]" };
        var adminToken = new Option<string?>("--admin-token")
        {
            Description = "A token of a business admin or admin system user, or - to read it from standard input [env/.env: ADMIN_ACCESS_TOKEN, else the usual token variables]",
        };
        var appId = CredentialOptions.AppId();
        var scopes = new Option<string[]>("--scope") { Description = "Permissions (repeatable) [default: whatsapp_business_messaging, whatsapp_business_management]", AllowMultipleArgumentsPerToken = true };
        var expires = new Option<string>("--expires") { Description = "60d (recommended, renewed by Evertoken) or never", DefaultValueFactory = _ => "60d" };
        expires.AcceptOnlyFromAmong("60d", "never");
        var save = new Option<string?>("--save") { Description = "Store the new token under this name instead of printing it" };

        var token = new Command("token", "Generate a system-user token through the API (installs the app for the system user first)")
        {
            systemUserId, adminToken, appId, scopes, expires, save,
        };
        token.SetAction(host, async (ctx, parse, ct) =>
        {
            var app = ExchangeCommand.RequireApp(ctx, parse.GetValue(appId));
            var userId = parse.GetValue(systemUserId) ?? ctx.Lookup("SYSTEM_USER_ID")
                ?? throw new UsageException("Which system user? Pass --system-user-id (Business Settings → Users → System users shows the id).");
            var admin = parse.GetValue(adminToken) is { } a ? ctx.ResolveToken(a) : ctx.Lookup("ADMIN_ACCESS_TOKEN") ?? ctx.ResolveToken(null);
            var graph = ctx.CreateGraphClient();

            var installed = await graph.InstallAppAsync(userId, app, admin, ct);
            if (!installed.IsSuccess)
            {
                return IssuedTokenOutput.Fail(ctx, $"Installing app {app.AppId} for system user {userId}", installed.Error);
            }

            var requested = parse.GetValue(scopes) is { Length: > 0 } s ? s : DefaultScopes;
            var created = await graph.CreateSystemUserTokenAsync(userId, app, admin, requested, parse.GetValue(expires) == "60d", ct);
            if (!created.IsSuccess)
            {
                return IssuedTokenOutput.Fail(ctx, "Generating the system-user token", created.Error);
            }

            // access_tokens answers without expires_in: ask debug_token for the real expiry.
            var issued = created.Value;
            var info = await graph.DebugTokenAsync(issued.AccessToken, $"{app.AppId}|{app.AppSecret}", app.AppSecret, ct);
            if (info.IsSuccess && info.Value.ExpiresAt is { } exp)
            {
                issued = issued with { ExpiresIn = exp - ctx.Host.Time.GetUtcNow() };
            }

            return await IssuedTokenOutput.EmitAsync(ctx, issued, parse.GetValue(save), app, "generated", ct);
        });

        return new Command("system-user", "Work with Business Manager system users") { token };
    }
}
