using System.CommandLine;
using Evertoken.Server.Api;
using Evertoken.Server.Cli;
using Evertoken.Storage;
using Evertoken.Tokens;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken token add|list|show|check|rotate|remove|reveal</c>: managed tokens in the encrypted store. Only
/// <c>reveal</c> prints a value, and it is audited.
/// </summary>
internal static class TokenCommands
{
    public static Command Create(CliHost host) =>
        new("token", "Managed tokens in the encrypted store (values are never printed, except by 'reveal')")
        {
            Add(host), List(host), Show(host), Check(host), Rotate(host), Remove(host), Reveal(host),
        };

    private static Argument<string> NameArgument() => new("name") { Description = "The token's name, e.g. wedding-matcher" };

    private static Command Add(CliHost host)
    {
        var name = NameArgument();
        var token = CredentialOptions.Token();
        var appId = CredentialOptions.AppId();
        var phone = CredentialOptions.PhoneNumberId();
        var waba = CredentialOptions.WabaId();
        var noCheck = new Option<bool>("--no-check") { Description = "Do not ask Meta about the token before storing it" };
        var command = new Command("add", "Store a token under a name (APP_SECRET from the environment or ./.env is stored encrypted too, for renewals)")
        {
            name, token, appId, phone, waba, noCheck,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var value = ctx.ResolveToken(parse.GetValue(token));
            var store = await ctx.OpenStoreAsync(ct);
            var secret = ctx.Lookup("APP_SECRET", "WHATSAPP_APP_SECRET");
            var registrar = new TokenRegistrar(store, ctx.CreateGraphClient(), ctx.Host.Time);
            var added = await registrar.RegisterAsync(new TokenRegistration
            {
                Name = parse.GetValue(name)!,
                Value = value,
                AppId = parse.GetValue(appId) ?? ctx.Lookup("APP_ID", "WHATSAPP_APP_ID"),
                AppSecret = secret,
                PhoneNumberId = parse.GetValue(phone) ?? ctx.Lookup("WHATSAPP_PHONE_NUMBER_ID", "PHONE_NUMBER_ID"),
                WabaId = parse.GetValue(waba) ?? ctx.Lookup("WHATSAPP_BUSINESS_ACCOUNT_ID", "WABA_ID"),
                Check = !parse.GetValue(noCheck),
            }, "cli", ct);
            var info = added.Health.Info;
            var data = added.Current.Data;
            var now = ctx.Host.Time.GetUtcNow();
            if (info is null && added.Health.LastError is { } checkError)
            {
                ctx.Host.Error.WriteLine($"warning: could not check the token with Meta ({checkError}); stored it unchecked.");
            }

            if (ctx.Json)
            {
                ctx.WriteJson(TokenSummary.Of((await store.GetTokenAsync(added.Name, ct))!, now));
            }
            else
            {
                ctx.Console.MarkupLine($"Added [bold]{Render.Esc(added.Name)}[/]: {Render.Esc(added.Current.Data.Fingerprint)}, {Render.Kind(data.Kind)}, expires {(info is null ? "unknown (unchecked)" : Render.Esc(Render.Expiry(info, now)))}");
                if (info is { IsValid: false })
                {
                    ctx.Host.Error.WriteLine($"warning: Meta says this token is not valid ({info.Error?.Message ?? "no reason given"}); it was stored anyway. `evertoken doctor` shows the fix.");
                }

                if (secret is null && RefreshPolicy.IsRenewable(data.Kind) && data.ExpiresAt is not null)
                {
                    ctx.Host.Error.WriteLine("warning: no APP_SECRET given, so this token cannot be renewed automatically. Set APP_SECRET and add it again.");
                }
            }

            return info is { IsValid: false } ? ExitCodes.TokenUnusable : ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliHost host)
    {
        var command = new Command("list", "List managed tokens: status, kind, expiry and fingerprint");
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var store = await ctx.OpenStoreAsync(ct);
            var tokens = await store.ListTokensAsync(ct);
            var now = ctx.Host.Time.GetUtcNow();
            if (ctx.Json)
            {
                ctx.WriteJson(tokens.Select(t => TokenSummary.Of(t, now)).ToList());
                return ExitCodes.Ok;
            }

            if (tokens.Count == 0)
            {
                ctx.Console.WriteLine("No managed tokens yet: add one with `evertoken token add NAME`.");
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "Name", "Status", "Kind", "Version", "Expires", "Fingerprint", "App" })
            {
                table.AddColumn(column);
            }

            foreach (var t in tokens)
            {
                var s = TokenSummary.Of(t, now);
                table.AddRow(Render.Esc(s.Name), Status(s.Status), Render.Kind(s.Kind), s.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Render.Esc(s.ExpiresText), Render.Esc(s.Fingerprint), Render.Esc(s.AppId ?? ""));
            }

            ctx.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(CliHost host)
    {
        var name = NameArgument();
        var command = new Command("show", "Show one token: health, expiry, scopes and its version history (fingerprints only)") { name };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var store = await ctx.OpenStoreAsync(ct);
            var token = await RequireAsync(store, parse.GetValue(name)!, ct);
            var history = await store.GetHistoryAsync(token.Name, ct);
            var now = ctx.Host.Time.GetUtcNow();
            var summary = TokenSummary.Of(token, now);
            var versions = history.Select(v => new VersionSummary(v.Number, v.Data.Fingerprint, v.Data.Kind, v.Data.ExpiresAt, v.Data.Source, v.CreatedAt, v.RevokedAt)).ToList();
            if (ctx.Json)
            {
                ctx.WriteJson(new { token = summary, scopes = token.Health.Info?.Scopes, versions });
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("Name", Render.Esc(summary.Name));
            grid.AddRow("Status", Status(summary.Status));
            grid.AddRow("Kind", Render.Kind(summary.Kind));
            grid.AddRow("Current version", $"{summary.Version} ({Render.Esc(summary.Fingerprint)})");
            grid.AddRow("Expires", Render.Esc(summary.ExpiresText));
            grid.AddRow("App", Render.Esc(summary.AppId ?? "(unknown)"));
            grid.AddRow("Phone number", Render.Esc(token.PhoneNumberId ?? "(not set)"));
            grid.AddRow("Last check", token.Health.LastCheckedAt is { } at ? TokenDoctor.Date(at) : "never");
            grid.AddRow("Scopes", Render.Esc(token.Health.Info is { } i ? string.Join(", ", i.Scopes) : "(not checked)"));
            if (token.Health.LastError is { } error)
            {
                grid.AddRow("Last problem", Render.Esc(error));
            }

            ctx.Console.Write(grid);
            var table = new Table().Border(TableBorder.Rounded).Title("Versions");
            foreach (var column in new[] { "#", "Fingerprint", "Source", "Created", "Expires", "Revoked" })
            {
                table.AddColumn(column);
            }

            foreach (var v in versions)
            {
                table.AddRow(v.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Render.Esc(v.Fingerprint), Render.Esc(v.Source), TokenDoctor.Date(v.CreatedAt),
                    v.ExpiresAt is { } e ? TokenDoctor.Date(e) : "never/unknown", v.RevokedAt is { } r ? TokenDoctor.Date(r) : "");
            }

            ctx.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Check(CliHost host)
    {
        var name = NameArgument();
        var command = new Command("check", "Ask Meta (debug_token) about a managed token now and record its health") { name };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var keeper = await KeeperAsync(ctx, ct);
            var stored = await RequireAsync(await ctx.OpenStoreAsync(ct), parse.GetValue(name)!, ct);
            var outcome = await keeper.CheckAsync(stored.Name, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { name = outcome.Name, status = outcome.Status, error = outcome.Error });
            }
            else
            {
                // An error that is not Meta's word on the token means the check itself failed: the status is the last known one.
                var problem = outcome.Error switch
                {
                    null => "",
                    { IsTokenProblem: true } e => " — " + Render.Esc(e.Message),
                    var e => " (last known; could not check now: " + Render.Esc(e.Message) + ")",
                };
                ctx.Console.MarkupLine($"{Render.Esc(outcome.Name)}: {Status(outcome.Status)}{problem}");
            }

            return outcome.Status switch
            {
                TokenStatus.Invalid or TokenStatus.Expired => ExitCodes.TokenUnusable,
                TokenStatus.ExpiringSoon => ExitCodes.NeedsAttention,
                _ when outcome.Error is not null => ExitCodes.UsageError,
                _ => ExitCodes.Ok,
            };
        });
        return command;
    }

    private static Command Rotate(CliHost host)
    {
        var name = NameArgument();
        var command = new Command("rotate", "Renew a managed token now (exchange a user token, refresh a 60-day system-user token)") { name };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var keeper = await KeeperAsync(ctx, ct);
            var stored = await RequireAsync(await ctx.OpenStoreAsync(ct), parse.GetValue(name)!, ct);
            if (stored.Current.Data is { ExpiresAt: null, Kind: not TokenKind.Unknown } never)
            {
                // Meta's refresh (fb_exchange_token, set_token_expires_in_60_days) is documented for 60-day tokens;
                // "rotating" a never-expiring one would quietly swap it for a 60-day token and leave the old one valid.
                ctx.WriteError($"{stored.Name} was not rotated: it is a {Render.Kind(never.Kind)} token that never expires, so there is nothing to renew. " +
                    $"To replace it, generate a new token (`evertoken system-user token --save {stored.Name}`) and revoke the old one. Version {stored.Current.Number} is still current.");
                return ExitCodes.UsageError;
            }

            var outcome = await keeper.RefreshAsync(stored.Name, rejectedVersion: null, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { name = outcome.Current.Name, rotated = outcome.Rotated, version = outcome.Current.Version, fingerprint = outcome.Current.Fingerprint, expires_at = outcome.Current.ExpiresAt, error = outcome.Error, skipped = outcome.Skipped });
            }
            else if (outcome.Rotated)
            {
                ctx.Console.MarkupLine($"Rotated [bold]{Render.Esc(outcome.Current.Name)}[/] to version {outcome.Current.Version}: {Render.Esc(outcome.Current.Fingerprint)}, expires {(outcome.Current.ExpiresAt is { } e ? TokenDoctor.Date(e) : "never")}");
            }
            else
            {
                ctx.WriteError($"{outcome.Current.Name} was not rotated: {(outcome.Error?.Message ?? outcome.Skipped)?.TrimEnd('.')}. Version {outcome.Current.Version} is still current.");
            }

            return outcome.Rotated ? ExitCodes.Ok : outcome.Error is { IsTokenProblem: true } ? ExitCodes.TokenUnusable : ExitCodes.UsageError;
        });
        return command;
    }

    private static Command Remove(CliHost host)
    {
        var name = NameArgument();
        var command = new Command("remove", "Delete a managed token and its history from the store (Meta is not told)") { name };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var store = await ctx.OpenStoreAsync(ct);
            var tokenName = parse.GetValue(name)!;
            if (!await store.RemoveTokenAsync(tokenName, ct))
            {
                throw new UsageException($"No managed token named '{tokenName}'. `evertoken token list` shows them.");
            }

            await store.AppendAuditAsync(new AuditEntry { At = ctx.Host.Time.GetUtcNow(), Action = "token.removed", Actor = "cli", TokenName = tokenName }, ct);
            ctx.Console.MarkupLine($"Removed {Render.Esc(tokenName)}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Reveal(CliHost host)
    {
        var name = NameArgument();
        var command = new Command("reveal", "Print a token's current value (audited); the only command that shows a value") { name };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var store = await ctx.OpenStoreAsync(ct);
            var token = await RequireAsync(store, parse.GetValue(name)!, ct);
            await store.AppendAuditAsync(new AuditEntry { At = ctx.Host.Time.GetUtcNow(), Action = "token.revealed", Actor = "cli", TokenName = token.Name, Detail = $"version {token.Current.Number}" }, ct);
            ctx.Host.Out.WriteLine(token.Current.Data.Value);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ManagedToken> RequireAsync(ITokenStore store, string name, CancellationToken ct) =>
        await store.GetTokenAsync(name, ct) ?? throw new UsageException($"No managed token named '{name}'. `evertoken token list` shows them.");

    private static async Task<TokenKeeper> KeeperAsync(CliContext ctx, CancellationToken ct)
    {
        var store = await ctx.OpenStoreAsync(ct);
        return new TokenKeeper(store, ctx.CreateGraphClient(), new RefreshPolicy(Options.Create(new RefreshPolicyOptions())), new NoRefreshLock(),
            ctx.Host.Time, ctx.LoggerFactory.CreateLogger<TokenKeeper>(), []);
    }

    private static string Status(TokenStatus status) => status switch
    {
        TokenStatus.Healthy => "[green]Healthy[/]",
        TokenStatus.ExpiringSoon => "[yellow]ExpiringSoon[/]",
        TokenStatus.Expired => "[red]Expired[/]",
        TokenStatus.Invalid => "[red]Invalid[/]",
        _ => "[grey]Unchecked[/]",
    };

    private sealed record VersionSummary(long Number, string Fingerprint, TokenKind Kind, DateTimeOffset? ExpiresAt, string Source, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
}
