using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The two requests Meta makes to a webhook callback URL. A POST is answered 200 only after its payload is durably
/// stored; anything refused (too big, unsigned, wrongly signed, not a webhook) is not stored at all, so Meta retries it.
/// </summary>
internal static class WebhookReceiver
{
    /// <summary>
    /// The subscription handshake (reference §5.1): <c>hub.mode=subscribe</c> and the configured verify token are
    /// answered with the raw <c>hub.challenge</c> as text/plain; anything else with 403.
    /// </summary>
    public static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, IOptions<WebhookReceiverOptions> options)
    {
        var expected = options.Value.VerifyToken;
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        if (string.IsNullOrEmpty(expected) || mode != "subscribe" || challenge.Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(title: "Verification refused",
                detail: "hub.mode must be subscribe and hub.verify_token must match the configured verify token (Webhooks:VerifyToken).",
                statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Text(challenge, "text/plain", Encoding.UTF8);
    }

    /// <summary>Verifies <c>X-Hub-Signature-256</c> over the raw body bytes, checks it is a webhook, stores it, then 200.</summary>
    public static Task<IResult> ReceiveAsync(HttpContext http) =>
        http.RequestServices.GetRequiredService<WebhookReceiverHandler>().ReceiveAsync(http);

    internal static bool Verified(byte[] body, string signature, IReadOnlyList<string> keys) =>
        keys.Count > 0 && WebhookSignature.Verify(body, signature, keys);

    // Reads the whole body, or returns null as soon as it is longer than max (nothing is kept).
    internal static async Task<byte[]?> ReadBodyAsync(PipeReader reader, int max, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > max)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    internal static ProblemHttpResult TooLarge(int max) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Webhook bodies are limited to {max} bytes.");

    internal static ProblemHttpResult Problem(int status, string title, string? detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
