using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Storage;

/// <summary>Makes and checks client key strings: <c>etk_{id}_{secret}</c>.</summary>
public static class ClientKeySecret
{
    /// <summary>The prefix of every client key.</summary>
    public const string Prefix = "etk_";

    /// <summary>A new key: its id, the full key string (show it once) and the hash to store.</summary>
    public static (string Id, string Key, string Hash) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}", Hash(secret));
    }

    /// <summary>Splits a presented key into id and secret; false when it is not shaped like a client key.</summary>
    public static bool TryParse(string? presented, out string id, out string secret)
    {
        id = secret = "";
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var underscore = rest.IndexOf('_');
        if (underscore <= 0 || underscore == rest.Length - 1)
        {
            return false;
        }

        id = rest[..underscore].ToString();
        secret = rest[(underscore + 1)..].ToString();
        return true;
    }

    /// <summary>The stored hash of a secret.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in constant time.</summary>
    public static bool Matches(string secret, string storedHash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(storedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
