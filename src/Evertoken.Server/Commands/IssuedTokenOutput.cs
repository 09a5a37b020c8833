using Evertoken.Graph;
using Evertoken.Server.Cli;
using Evertoken.Storage;
using Evertoken.Tokens;
using Spectre.Console;

namespace Evertoken.Server.Commands;

/// <summary>
/// What the token-obtaining commands do with a new token: store it under a name (printing only its fingerprint),
/// or print the value alone on standard output so it can be piped, with the details on standard error.
/// </summary>
internal static class IssuedTokenOutput
{
    public static async Task<int> EmitAsync(CliContext ctx, IssuedToken issued, string? saveAs, AppCredentials app, string source, CancellationToken ct)
    {
        var now = ctx.Host.Time.GetUtcNow();
        var expires = issued.ExpiresIn is { } ttl ? now + ttl : (DateTimeOffset?)null;
        if (saveAs is { Length: > 0 })
        {
            // A stored token must know its kind and expiry, and its app must carry the secret, or `token rotate` and
            // `serve` cannot renew it: ask debug_token, and store the app with its (encrypted) secret.
            var debug = await ctx.CreateGraphClient().DebugTokenAsync(issued.AccessToken, $"{app.AppId}|{app.AppSecret}", app.AppSecret, ct);
            var facts = debug.IsSuccess && debug.Value.IsValid ? debug.Value : null;
            var store = await ctx.OpenStoreAsync(ct);
            var storedApp = await store.GetAppAsync(app.AppId, ct);
            await store.UpsertAppAsync(new StoredApp(app.AppId, app.AppSecret, storedApp?.Name ?? facts?.Application), ct);
            var data = new TokenVersionData
            {
                Value = issued.AccessToken,
                Kind = facts?.Kind ?? TokenKind.Unknown,
                ExpiresAt = facts is not null ? facts.ExpiresAt : expires,
                Source = source,
                IssuedAt = facts?.IssuedAt ?? now,
            };
            expires = data.ExpiresAt;
            var existing = await store.GetTokenAsync(saveAs, ct);
            var saved = existing is null
                ? await store.AddTokenAsync(new NewManagedToken { Name = saveAs, AppId = app.AppId, Version = data }, ct)
                : await store.AddVersionAsync(saveAs, existing.Current.Number, data, ct)
                    ?? throw new InvalidOperationException($"Token '{saveAs}' changed while saving; run the command again.");
            if (facts is not null)
            {
                await store.UpdateHealthAsync(saveAs, new TokenHealth { Status = TokenStatus.Healthy, LastCheckedAt = now, Info = facts }, ct);
            }
            await store.AppendAuditAsync(new AuditEntry { At = now, Action = $"token.{source}", Actor = "cli", TokenName = saveAs, Detail = $"version {saved.Current.Number} {saved.Current.Data.Fingerprint}" }, ct);
            if (ctx.Json)
            {
                ctx.WriteJson(new { name = saveAs, version = saved.Current.Number, fingerprint = saved.Current.Data.Fingerprint, expires_at = expires });
            }
            else
            {
                ctx.Console.MarkupLine($"Saved as [bold]{Render.Esc(saveAs)}[/] version {saved.Current.Number}: {Render.Esc(saved.Current.Data.Fingerprint)}, expires {(expires is { } e ? TokenDoctor.Date(e) : "never (or unknown: run inspect)")}");
            }

            return ExitCodes.Ok;
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new { access_token = issued.AccessToken, token_type = issued.TokenType, expires_in = issued.ExpiresIn?.TotalSeconds, expires_at = expires, fingerprint = TokenFingerprint.Of(issued.AccessToken) });
        }
        else
        {
            ctx.Host.Out.WriteLine(issued.AccessToken);
            ctx.Host.Error.WriteLine($"{source}: {TokenFingerprint.Of(issued.AccessToken)}, expires {(expires is { } e ? TokenDoctor.Date(e) : "never (or not reported)")}. Use --save NAME to keep it in the encrypted store instead of printing it.");
        }

        return ExitCodes.Ok;
    }

    public static int Fail(CliContext ctx, string what, GraphError error)
    {
        ctx.WriteError($"{what} failed: {error.Message} (Graph code {error.Code}{(error.Subcode is { } s ? $"/{s}" : "")}, {error.Kind})");
        var hint = error switch
        {
            { Kind: GraphErrorKind.BadAppSecret } => "Check APP_ID and APP_SECRET: the app dashboard's App settings → Basic shows both.",
            { Kind: GraphErrorKind.Transient, Code: 0 } => "Check the network and the Graph URL (--graph-url / EVERTOKEN__GRAPH__BASEURL).",
            _ => null,
        };
        if (hint is not null)
        {
            ctx.Host.Error.WriteLine(hint);
        }

        return error.IsTokenProblem ? ExitCodes.TokenUnusable : ExitCodes.UsageError;
    }
}
