using System.Globalization;
using Evertoken.Tokens;

namespace Evertoken.Graph;

/// <summary>
/// A token Meta just issued (<c>oauth/access_token</c> or <c>{system-user-id}/access_tokens</c>).
/// <see cref="ToString"/> shows only its <see cref="TokenFingerprint"/>.
/// </summary>
/// <param name="AccessToken">The token value. Keep it out of logs.</param>
/// <param name="TokenType"><c>token_type</c>, normally <c>bearer</c>; null when Meta leaves it out.</param>
/// <param name="ExpiresIn"><c>expires_in</c>: the lifetime left when Meta answered; null when Meta did not say
/// (app tokens, system-user token creation), in which case <c>debug_token</c> tells the expiry.</param>
public sealed record IssuedToken(string AccessToken, string? TokenType, TimeSpan? ExpiresIn)
{
    /// <summary>When the token expires if it was received at <paramref name="receivedAt"/>; null when
    /// <see cref="ExpiresIn"/> is unknown.</summary>
    public DateTimeOffset? ExpiresAtFrom(DateTimeOffset receivedAt) => ExpiresIn is { } e ? receivedAt + e : null;

    /// <inheritdoc />
    public override string ToString()
    {
        var expires = ExpiresIn is { } e ? e.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s" : "(unknown)";
        return $"IssuedToken {{ AccessToken = {TokenFingerprint.Of(AccessToken)}, TokenType = {TokenType}, ExpiresIn = {expires} }}";
    }
}
