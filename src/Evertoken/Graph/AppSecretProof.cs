using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Graph;

/// <summary>
/// Computes Meta's <c>appsecret_proof</c>: lowercase hex HMAC-SHA256 with the app secret as key and the access
/// token (classic form) or <c>token|unix_time</c> (time-stamped form, sent with <c>appsecret_time</c>, valid 5 minutes)
/// as message. https://developers.facebook.com/docs/graph-api/guides/secure-requests
/// </summary>
public static class AppSecretProof
{
    /// <summary>The classic proof: HMAC-SHA256(app_secret, access_token).</summary>
    public static string Compute(string appSecret, string accessToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return Hex(appSecret, accessToken);
    }

    /// <summary>The time-stamped proof: HMAC-SHA256(app_secret, access_token + "|" + unixTime).</summary>
    public static string Compute(string appSecret, string accessToken, long unixTime)
    {
        ArgumentException.ThrowIfNullOrEmpty(appSecret);
        ArgumentException.ThrowIfNullOrEmpty(accessToken);
        return Hex(appSecret, accessToken + "|" + unixTime.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Checks a proof in constant time (classic form when <paramref name="unixTime"/> is null).</summary>
    public static bool Verify(string appSecret, string accessToken, string proof, long? unixTime = null)
    {
        var expected = unixTime is { } t ? Compute(appSecret, accessToken, t) : Compute(appSecret, accessToken);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(proof.ToLowerInvariant()));
    }

    private static string Hex(string key, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(message)));
}
