using System.IO.Compression;
using System.Text.Json;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>Reads and writes Graph's error envelope <c>{"error":{"message","type","code",...}}</c>.</summary>
internal static class GraphErrorBody
{
    /// <summary>
    /// True when a body is a Graph error with code 190 (invalid or expired access token; reference graph-tokens.md §1).
    /// The body may be compressed as Meta sent it (<c>Content-Encoding</c> gzip, deflate or br).
    /// </summary>
    public static bool IsTokenError(byte[] body, ICollection<string> contentEncoding)
    {
        try
        {
            var json = Decode(body, contentEncoding);
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code)
                && (code.ValueKind == JsonValueKind.Number ? code.TryGetInt32(out var number) && number == 190 : code.ValueKind == JsonValueKind.String && code.GetString() == "190");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes Evertoken's own error in Graph's shape, so an app's Graph error handling still applies: code 2
    /// (service temporarily unavailable) with <c>is_transient</c>, which Graph SDKs treat as "retry later".
    /// </summary>
    public static async Task WriteProxyErrorAsync(HttpResponse response, int status, string message)
    {
        response.Clear();
        response.StatusCode = status;
        response.ContentType = "application/json; charset=UTF-8";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("message", message);
            writer.WriteString("type", "EvertokenProxyError");
            writer.WriteNumber("code", 2);
            writer.WriteBoolean("is_transient", true);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static byte[] Decode(byte[] body, ICollection<string> contentEncoding)
    {
        var encoding = contentEncoding.LastOrDefault()?.Trim().ToLowerInvariant();
        if (encoding is null or "identity")
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decoder = encoding switch
        {
            "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            _ => throw new NotSupportedException(encoding),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }
}
