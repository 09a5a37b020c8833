using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// The POST half of the receiver, as a singleton: everything it needs is resolved once, so a webhook costs no DI
/// scope or service lookups (the receiver's share of a request is the signature check, the envelope check and the
/// queued insert). A POST is answered 200 only after its payload is durably stored; anything refused (too big,
/// unsigned, wrongly signed, not a webhook) is not stored at all, so Meta retries it.
/// </summary>
internal sealed class WebhookReceiverHandler(
    IOptions<WebhookReceiverOptions> options,
    WebhookSecretCache secrets,
    IWebhookInbox inbox,
    WebhookEventDispatcher dispatcher,
    TimeProvider time,
    ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger(typeof(WebhookReceiver));

    /// <summary>Checks, stores and answers one POST; returns the result to write (200 once stored).</summary>
    public async Task<IResult> ReceiveAsync(HttpContext http)
    {
        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return WebhookReceiver.TooLarge(max);
        }

        var body = await WebhookReceiver.ReadBodyAsync(http.Request.BodyReader, max, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return WebhookReceiver.TooLarge(max);
        }

        var signature = http.Request.Headers[WebhookSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            return WebhookReceiver.Problem(StatusCodes.Status401Unauthorized, "Missing signature", $"The {WebhookSignature.HeaderName} header is required.");
        }

        var keys = await secrets.GetAsync(reload: false, http.RequestAborted).ConfigureAwait(false);
        if (!WebhookReceiver.Verified(body, signature, keys))
        {
            // An app added a moment ago may not be cached yet.
            var reloaded = await secrets.GetAsync(reload: true, http.RequestAborted).ConfigureAwait(false);
            if (reloaded.Count == 0)
            {
                WebhookReceiverLog.NoAppSecret(_logger);
                return WebhookReceiver.Problem(StatusCodes.Status503ServiceUnavailable, "No app secret configured",
                    "Add the app (with its secret) or set the receiver's app secrets (Webhooks:AppSecrets).");
            }

            if (ReferenceEquals(reloaded, keys) || !WebhookReceiver.Verified(body, signature, reloaded))
            {
                return WebhookReceiver.Problem(StatusCodes.Status401Unauthorized, "Invalid signature", $"The {WebhookSignature.HeaderName} signature does not match the body.");
            }
        }

        // A cheap envelope check only; the inbox extracts the events from the stored body after the commit.
        if (!WebhookEventExtractor.TryValidate(body, out var invalid))
        {
            return WebhookReceiver.Problem(StatusCodes.Status400BadRequest, "Not a webhook payload", invalid);
        }

        // Stored (committed) before Meta gets its 200: from here a crash cannot lose this payload.
        await inbox.AppendAsync(body, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        dispatcher.Wake();
        return Results.Ok();
    }
}
