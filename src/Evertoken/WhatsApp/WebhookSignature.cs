using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Evertoken.WhatsApp;

/// <summary>
/// The <c>X-Hub-Signature-256</c> header of webhook POSTs: <c>sha256=</c> + lowercase hex HMAC-SHA256 of the raw
/// body with the app secret as key (reference §5.2, https://developers.facebook.com/docs/graph-api/webhooks/getting-started).
/// Meta signs the escaped-unicode form of the payload (non-ASCII as lowercase <c>\uXXXX</c>), so a body with literal
/// UTF-8 is checked both as received and in that escaped form. Comparisons are constant-time. Also used to sign our
/// own relayed webhooks and the emulator's.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header name, <c>X-Hub-Signature-256</c>.</summary>
    public const string HeaderName = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";
    private const int HashSize = 32;

    /// <summary>The header value for <paramref name="body"/>: <c>sha256=&lt;lowercase hex&gt;</c>.</summary>
    /// <exception cref="ArgumentException">When <paramref name="secret"/> is null or empty.</exception>
    public static string Sign(ReadOnlySpan<byte> body, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(Hmac(body, secret));
    }

    /// <summary>
    /// True when <paramref name="signatureHeader"/> is a valid signature of <paramref name="rawBody"/> with
    /// <paramref name="secret"/>. False for a missing or malformed header.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="secret"/> is null or empty.</exception>
    public static bool Verify(ReadOnlySpan<byte> rawBody, string? signatureHeader, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Verify(rawBody, signatureHeader, [secret]);
    }

    /// <summary>
    /// True when <paramref name="signatureHeader"/> matches <paramref name="rawBody"/> under any of
    /// <paramref name="secrets"/> (several during an app secret rotation), as received or, when the body has
    /// non-ASCII bytes, in its <c>\uXXXX</c>-escaped form. False for a missing or malformed header.
    /// </summary>
    /// <exception cref="ArgumentException">When no secret is given or one is empty.</exception>
    public static bool Verify(ReadOnlySpan<byte> rawBody, string? signatureHeader, IReadOnlyList<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (secrets.Count == 0 || secrets.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("At least one non-empty app secret is required.", nameof(secrets));
        }

        Span<byte> expected = stackalloc byte[HashSize];
        if (!TryParseHeader(signatureHeader, expected))
        {
            return false;
        }

        var matched = false;
        foreach (var secret in secrets)
        {
            // Evaluate every secret so the time taken does not tell which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(Hmac(rawBody, secret), expected);
        }

        if (matched || Ascii.IsValid(rawBody) || !Utf8.IsValid(rawBody))
        {
            return matched;
        }

        var escaped = EscapeNonAscii(rawBody);
        foreach (var secret in secrets)
        {
            matched |= CryptographicOperations.FixedTimeEquals(Hmac(escaped, secret), expected);
        }

        return matched;
    }

    /// <summary>
    /// Rewrites every non-ASCII character of a UTF-8 body as a lowercase <c>\uXXXX</c> escape (UTF-16 code units,
    /// so characters beyond U+FFFF become a surrogate pair), the form Meta signs. ASCII bytes are copied unchanged.
    /// In JSON, non-ASCII can only occur inside strings, so the result is the same JSON value.
    /// </summary>
    /// <exception cref="ArgumentException">When <paramref name="utf8"/> is not valid UTF-8.</exception>
    public static byte[] EscapeNonAscii(ReadOnlySpan<byte> utf8)
    {
        if (Ascii.IsValid(utf8))
        {
            return utf8.ToArray();
        }

        if (!Utf8.IsValid(utf8))
        {
            throw new ArgumentException("The body is not valid UTF-8.", nameof(utf8));
        }

        var output = new ArrayBufferWriter<byte>(utf8.Length + 64);
        Span<char> units = stackalloc char[2];
        Span<byte> escape = stackalloc byte[6];
        var rest = utf8;
        while (!rest.IsEmpty)
        {
            var ascii = rest.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (ascii < 0)
            {
                output.Write(rest);
                break;
            }

            output.Write(rest[..ascii]);
            rest = rest[ascii..];
            Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            var count = rune.EncodeToUtf16(units);
            for (var i = 0; i < count; i++)
            {
                escape[0] = (byte)'\\';
                escape[1] = (byte)'u';
                ((ushort)units[i]).TryFormat(escape[2..], out _, "x4");
                output.Write(escape);
            }

            rest = rest[consumed..];
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] Hmac(ReadOnlySpan<byte> body, string secret) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);

    private static bool TryParseHeader(string? header, Span<byte> hash)
    {
        if (header is null)
        {
            return false;
        }

        var value = header.AsSpan().Trim();
        if (!value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var hex = value[Prefix.Length..];
        return hex.Length == HashSize * 2
            && Convert.FromHexString(hex, hash, out _, out var written) == OperationStatus.Done
            && written == HashSize;
    }
}
