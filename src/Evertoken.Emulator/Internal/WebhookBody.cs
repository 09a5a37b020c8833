using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Writes a webhook body the way Meta signs it and signs it. Meta computes <c>X-Hub-Signature-256</c> over the
/// escaped-unicode form of the payload with lowercase hex (<c>äöå</c> → <c>\u00e4\u00f6\u00e5</c>; Graph webhooks
/// "getting started" page, reference whatsapp-cloud-api.md §5.2), so the emulator sends pure ASCII with every
/// non-ASCII character as a lowercase <c>\uXXXX</c> escape and signs exactly those bytes.
/// </summary>
internal static class WebhookBody
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(JsonNode payload)
    {
        var json = payload.ToJsonString(Relaxed);
        var text = new StringBuilder(json.Length + 32);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c == '\\' && i + 1 < json.Length)
            {
                if (json[i + 1] == 'u' && i + 5 < json.Length)
                {
                    // An escape the encoder wrote itself (control character, surrogate): same form, lowercase hex.
                    text.Append("\\u").Append(json.AsSpan(i + 2, 4).ToString().ToLowerInvariant());
                    i += 5;
                }
                else
                {
                    text.Append(c).Append(json[i + 1]);
                    i++;
                }

                continue;
            }

            if (c > '\u007e')
            {
                // Non-ASCII only occurs inside JSON strings, where \uXXXX is always valid (surrogates escaped one by one).
                text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                continue;
            }

            text.Append(c);
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>The <c>X-Hub-Signature-256</c> value: <c>sha256=</c> + lowercase hex HMAC-SHA256(app secret, body).</summary>
    public static string Signature256(string appSecret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>The legacy <c>X-Hub-Signature</c> value Meta still sends beside it: <c>sha1=</c> + HMAC-SHA1.</summary>
    public static string Signature1(string appSecret, byte[] body) =>
        "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(appSecret), body));
}
