using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace Evertoken.Server.Proxy.Internal;

/// <summary>
/// Meta's code 190 answer, held back from the app while the token is refreshed; written out as it came when the
/// refresh gives no newer token.
/// </summary>
internal sealed class RejectedAnswer
{
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.Connection, HeaderNames.TransferEncoding, HeaderNames.KeepAlive, HeaderNames.Upgrade,
        HeaderNames.ProxyConnection, HeaderNames.ContentLength, HeaderNames.TE, HeaderNames.AltSvc, "Close",
    };

    private RejectedAnswer(int status, List<KeyValuePair<string, string[]>> headers, byte[] body)
    {
        Status = status;
        Headers = headers;
        Body = body;
    }

    public int Status { get; }

    public IReadOnlyList<KeyValuePair<string, string[]>> Headers { get; }

    public byte[] Body { get; }

    public static RejectedAnswer Capture(HttpResponseMessage response, byte[] body)
    {
        var headers = new List<KeyValuePair<string, string[]>>();
        Add(response.Headers, headers);
        Add(response.Content.Headers, headers);
        return new RejectedAnswer((int)response.StatusCode, headers, body);
    }

    public async Task WriteAsync(HttpResponse response, CancellationToken ct)
    {
        response.Clear();
        response.StatusCode = Status;
        foreach (var (name, values) in Headers)
        {
            response.Headers.Append(name, values);
        }

        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, ct);
    }

    private static void Add(HttpHeaders source, List<KeyValuePair<string, string[]>> into)
    {
        foreach (var header in source.NonValidated)
        {
            if (!NotCopied.Contains(header.Key))
            {
                into.Add(new(header.Key, [.. header.Value]));
            }
        }
    }
}
