using Evertoken.Graph;
using Evertoken.Storage;

namespace Evertoken.Tokens;

/// <summary>
/// Adds a token to the store the same way everywhere (CLI, API, configuration): checks it with Meta when asked,
/// stores its app (secret encrypted), records its kind, expiry and health, and writes the audit line.
/// </summary>
public sealed class TokenRegistrar(ITokenStore store, GraphClient graph, TimeProvider timeProvider)
{
    /// <summary>Registers a token. A duplicate name throws <see cref="InvalidOperationException"/>; Meta being
    /// unreachable does not fail the registration (the token is stored unchecked).</summary>
    public async Task<ManagedToken> RegisterAsync(TokenRegistration registration, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var value = registration.Value.Trim();
        var appId = registration.AppId;
        var data = new TokenVersionData { Value = value, Source = registration.Source };
        TokenInfo? info = null;
        string? checkError = null;
        if (registration.Check)
        {
            var secret = registration.AppSecret;
            var caller = appId is not null && secret is not null ? $"{appId}|{secret}" : value;
            var debug = await graph.DebugTokenAsync(value, caller, secret, cancellationToken).ConfigureAwait(false);
            if (debug.IsSuccess)
            {
                info = debug.Value;
                data = data with { Kind = info.Kind, IssuedAt = info.IssuedAt, ExpiresAt = info.ExpiresAt };
                appId ??= info.AppId;
            }
            else if (debug.Error.IsTokenProblem && caller == value)
            {
                info = new TokenInfo { IsValid = false, Error = debug.Error };
            }
            else
            {
                checkError = $"Check failed: {debug.Error.Message}";
            }
        }

        if (appId is not null)
        {
            var existing = await store.GetAppAsync(appId, cancellationToken).ConfigureAwait(false);
            await store.UpsertAppAsync(new StoredApp(appId, registration.AppSecret ?? existing?.AppSecret, existing?.Name ?? info?.Application), cancellationToken).ConfigureAwait(false);
        }

        var added = await store.AddTokenAsync(new NewManagedToken
        {
            Name = registration.Name,
            AppId = appId,
            PhoneNumberId = registration.PhoneNumberId,
            WabaId = registration.WabaId ?? SingleWaba(info),
            Version = data,
        }, cancellationToken).ConfigureAwait(false);

        var now = timeProvider.GetUtcNow();
        if (info is not null)
        {
            var status = !info.IsValid ? (info.Error?.Kind == GraphErrorKind.Expired ? TokenStatus.Expired : TokenStatus.Invalid)
                : info.ExpiresAt is { } e && e - now <= TimeSpan.FromDays(7) ? TokenStatus.ExpiringSoon : TokenStatus.Healthy;
            var health = new TokenHealth { Status = status, LastCheckedAt = now, Info = info, LastError = info.Error?.Message };
            await store.UpdateHealthAsync(added.Name, health, cancellationToken).ConfigureAwait(false);
            added = added with { Health = health };
        }
        else if (checkError is not null)
        {
            // Stored unchecked; say why, so the API, the CLI and the dashboard can show it.
            var health = added.Health with { LastError = checkError };
            await store.UpdateHealthAsync(added.Name, health, cancellationToken).ConfigureAwait(false);
            added = added with { Health = health };
        }

        await store.AppendAuditAsync(new AuditEntry { At = now, Action = $"token.{registration.Source}", Actor = actor, TokenName = added.Name, Detail = added.Current.Data.Fingerprint }, cancellationToken).ConfigureAwait(false);
        return added;
    }

    private static string? SingleWaba(TokenInfo? info) =>
        info?.TargetsOf("whatsapp_business_management") is [var only] ? only : info?.TargetsOf("whatsapp_business_messaging") is [var m] ? m : null;
}
