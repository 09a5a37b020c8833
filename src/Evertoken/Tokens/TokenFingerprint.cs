using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Tokens;

/// <summary>
/// A safe way to name a token in logs, the API and the dashboard: the first 4 and last 4 characters and a
/// SHA-256 prefix, e.g. <c>EAAB…x9Zq sha256:3f2a9c01</c>. Never the value itself.
/// </summary>
public static class TokenFingerprint
{
    /// <summary>The fingerprint of a token value. Short values (under 16 characters) show only the hash.</summary>
    public static string Of(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return "(none)";
        }

        var hash = Hash(token);
        return token.Length < 16 ? $"sha256:{hash}" : $"{token[..4]}…{token[^4..]} sha256:{hash}";
    }

    /// <summary>The first 8 hex characters of the SHA-256 of the value.</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
}
