using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Sinks;

/// <summary>
/// The signature scheme of <see cref="WebhookSink"/>, for receivers to verify. Each request carries:
/// <list type="bullet">
/// <item><c>X-Evertoken-Timestamp: &lt;t&gt;</c>, the send time in Unix seconds (decimal, UTC);</item>
/// <item><c>X-Evertoken-Signature: sha256=&lt;hex&gt;</c>, where <c>hex</c> is the lowercase hexadecimal
/// HMAC-SHA256, keyed with the UTF-8 bytes of the shared secret, of the bytes of <c>t</c> (ASCII digits), one
/// <c>.</c>, then the raw request body exactly as received.</item>
/// </list>
/// To verify: recompute over the raw body (before any JSON parsing), compare in constant time, and reject a timestamp
/// older or newer than a few minutes to stop replays. <see cref="Verify"/> does all three.
/// </summary>
public static class WebhookSinkSignature
{
    /// <summary>The header holding <c>sha256=&lt;hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-Evertoken-Signature";

    /// <summary>The header holding the Unix time in seconds that is part of the signed material.</summary>
    public const string TimestampHeader = "X-Evertoken-Timestamp";

    /// <summary>The default tolerance of <see cref="Verify"/> between the timestamp and the receiver's clock: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Computes the <see cref="SignatureHeader"/> value for a body sent at <paramref name="unixSeconds"/>.</summary>
    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var material = new byte[prefix.Length + body.Length];
        prefix.CopyTo(material, 0);
        body.CopyTo(material.AsSpan(prefix.Length));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), material);
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    /// <summary>
    /// Checks a received request: the timestamp parses and is within <paramref name="tolerance"/> (default
    /// <see cref="DefaultTolerance"/>) of <paramref name="now"/>, and the signature matches (constant-time compare).
    /// </summary>
    /// <returns>True when the request is authentic and fresh.</returns>
    public static bool Verify(
        string secret,
        string? timestampHeader,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        DateTimeOffset now,
        TimeSpan? tolerance = null)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(signatureHeader)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return false;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(unixSeconds);
        if ((now - sentAt).Duration() > (tolerance ?? DefaultTolerance))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, unixSeconds, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader.Trim());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
