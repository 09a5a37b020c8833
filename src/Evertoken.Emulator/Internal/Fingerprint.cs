using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// A safe name for a token or secret: first and last 4 characters plus a SHA-256 prefix (the same shape as the
/// library's TokenFingerprint; the emulator does not reference the library on purpose).
/// </summary>
internal static class Fingerprint
{
    public static string Of(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(none)";
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..8];
        return value.Length < 16 ? $"sha256:{hash}" : $"{value[..4]}…{value[^4..]} sha256:{hash}";
    }
}
