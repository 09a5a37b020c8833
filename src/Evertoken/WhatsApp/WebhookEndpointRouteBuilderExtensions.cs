using System.Diagnostics.CodeAnalysis;
using Evertoken.WhatsApp.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Evertoken.WhatsApp;

/// <summary>Maps the WhatsApp webhook receiver into an app's own host.</summary>
public static class WebhookEndpointRouteBuilderExtensions
{
    /// <summary>The conventional callback path, the one <c>evertoken serve</c> uses.</summary>
    public const string DefaultPattern = "/webhooks/whatsapp";

    /// <summary>
    /// Maps Meta's webhook callback at <paramref name="pattern"/>: <c>GET</c> answers the subscription handshake
    /// (<c>hub.verify_token</c> against <see cref="WebhookReceiverOptions.VerifyToken"/>, 403 otherwise); <c>POST</c>
    /// checks <c>X-Hub-Signature-256</c> over the raw body against the app secrets (401 when missing or wrong), refuses
    /// bodies over <see cref="WebhookReceiverOptions.MaxBodyBytes"/> (413) and anything that is not a webhook (400),
    /// stores the payload in the <see cref="IWebhookInbox"/> and only then answers 200. Refused requests store nothing.
    /// The endpoints allow anonymous callers: Meta's signature is the proof. Needs
    /// <see cref="WhatsAppBuilderExtensions.AddWebhooks"/> (or <c>services.AddEvertokenWebhooks()</c>).
    /// </summary>
    /// <returns>The group, for further conventions (rate limiting, host filters).</returns>
    public static RouteGroupBuilder MapEvertokenWebhooks(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var group = endpoints.MapGroup(pattern).AllowAnonymous().WithTags("Webhooks").ExcludeFromDescription();
        group.MapGet("/", WebhookReceiver.Verify);
        // Cast so the IResult is written, not discarded as by a plain RequestDelegate.
        group.MapPost("/", (Delegate)WebhookReceiver.ReceiveAsync);
        return group;
    }
}
