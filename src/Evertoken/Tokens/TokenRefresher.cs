using Evertoken.Graph;
using Evertoken.Storage;

namespace Evertoken.Tokens;

/// <summary>
/// The Graph calls that renew a token: a user token is exchanged (<c>fb_exchange_token</c>) for a 60-day token; a 60-day
/// system-user token is refreshed with <c>set_token_expires_in_60_days=true</c> (the old one keeps working until its own
/// expiry, per Meta's "Access Token Rotation"). The new value is then read back with debug_token for its real expiry.
/// </summary>
public sealed class TokenRefresher(GraphClient graph, TimeProvider timeProvider)
{
    /// <summary>Renews a value. Meta's failures come back as values; never-renewable kinds are a caller bug and throw.</summary>
    public async Task<GraphResult<TokenVersionData>> RenewAsync(string value, TokenKind kind, AppCredentials app, CancellationToken cancellationToken = default)
    {
        if (!RefreshPolicy.IsRenewable(kind))
        {
            throw new InvalidOperationException($"A {kind} token cannot be renewed through the API.");
        }

        var issued = await graph.ExchangeTokenAsync(app, value, systemUser60Days: kind == TokenKind.SystemUser, cancellationToken).ConfigureAwait(false);
        if (!issued.IsSuccess)
        {
            return issued.Error;
        }

        var now = timeProvider.GetUtcNow();
        var data = new TokenVersionData
        {
            Value = issued.Value.AccessToken,
            Kind = kind,
            IssuedAt = now,
            // Meta may leave expires_in out; 60 days is what both refresh forms promise.
            ExpiresAt = now + (issued.Value.ExpiresIn ?? TimeSpan.FromDays(60)),
            Source = kind == TokenKind.SystemUser ? "refreshed" : "exchanged",
        };

        // The exchange answer is enough to store the token; debug_token only sharpens the facts, so its failure is ignored.
        var info = await graph.DebugTokenAsync(data.Value, $"{app.AppId}|{app.AppSecret}", app.AppSecret, cancellationToken).ConfigureAwait(false);
        if (info.IsSuccess && info.Value.IsValid)
        {
            data = data with
            {
                Kind = info.Value.Kind == TokenKind.Unknown ? kind : info.Value.Kind,
                ExpiresAt = info.Value.ExpiresAt,
                IssuedAt = info.Value.IssuedAt ?? now,
            };
        }

        return data;
    }
}
