using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator;

// Messaging: POST /{phone-number-id}/messages, inbound messages and webhook delivery (Endpoints/MessageEndpoints.cs,
// InboundEndpoints.cs, WebhookEndpoints.cs).
public sealed partial class EmulatorState
{
    private readonly Lock _messagingGate = new();
    private MessagingState? _messaging;

    internal MessagingState Messaging
    {
        get
        {
            lock (_messagingGate)
            {
                return _messaging ??= new MessagingState(this);
            }
        }
    }

    /// <summary>The webhook deliveries made or pending, oldest first (same as <c>GET /_emulator/webhooks/deliveries</c>).</summary>
    public IReadOnlyList<WebhookDeliveryInfo> WebhookDeliveries => Messaging.Deliveries();

    /// <summary>
    /// Sets an app's webhook callback URL (the App Dashboard's WhatsApp configuration), without the verification
    /// handshake that <c>POST /_emulator/webhooks</c> performs when given a verify token. Webhooks of a WABA go to
    /// each subscribed app, at its <c>override_callback_uri</c> or else at this URL.
    /// </summary>
    /// <exception cref="KeyNotFoundException">When the app does not exist.</exception>
    /// <exception cref="ArgumentException">When the URL is not absolute http(s).</exception>
    public void SetWebhookCallback(string appId, Uri callbackUrl)
    {
        ArgumentNullException.ThrowIfNull(callbackUrl);
        if (FindApp(appId) is null)
        {
            throw new KeyNotFoundException($"App {appId} does not exist.");
        }

        if (!callbackUrl.IsAbsoluteUri || (callbackUrl.Scheme != Uri.UriSchemeHttp && callbackUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The callback URL must be an absolute http or https URL.", nameof(callbackUrl));
        }

        Messaging.SetTarget(new WebhookTarget(appId, callbackUrl.ToString(), null, false));
    }

    /// <summary>When the user last wrote to the business number (emulator clock); null when never.</summary>
    public DateTimeOffset? LastInboundAt(string phoneNumberId, string waId) => Messaging.LastInboundAt(phoneNumberId, waId);
}
