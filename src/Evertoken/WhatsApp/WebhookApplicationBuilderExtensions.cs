using Evertoken.WhatsApp.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>Serves the WhatsApp webhook receiver on a pipeline branch of its own, ahead of routing.</summary>
public static class WebhookApplicationBuilderExtensions
{
    /// <summary>
    /// Answers Meta's webhook callback at exactly <paramref name="path"/> (a trailing slash allowed) before the rest of
    /// the pipeline: the same handshake and POST handling as
    /// <see cref="WebhookEndpointRouteBuilderExtensions.MapEvertokenWebhooks"/> (403, 401, 413, 400, 503, or 200 once
    /// stored; other methods 405), without routing, endpoint metadata, authentication or authorization, which Meta's
    /// anonymous, signed calls do not need. Use it instead of <c>MapEvertokenWebhooks</c>, as early as possible
    /// (before <c>UseRouting</c>, authentication and status code pages), when webhook throughput matters. An
    /// exception while storing becomes a 500 problem and the payload is not acknowledged. Needs
    /// <see cref="WhatsAppBuilderExtensions.AddWebhooks"/> (or <c>services.AddEvertokenWebhooks()</c>).
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="path">The callback path; default <see cref="WebhookEndpointRouteBuilderExtensions.DefaultPattern"/>.</param>
    /// <exception cref="InvalidOperationException">When the webhook services are not registered.</exception>
    public static IApplicationBuilder UseEvertokenWebhooks(this IApplicationBuilder app, string path = WebhookEndpointRouteBuilderExtensions.DefaultPattern)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var exact = new PathString(path.TrimEnd('/'));
        var slashed = exact.Add("/");
        // Resolved once: a per-call RequestServices lookup would create a DI scope for every webhook.
        var handler = app.ApplicationServices.GetRequiredService<WebhookReceiverHandler>();
        var options = app.ApplicationServices.GetRequiredService<IOptions<WebhookReceiverOptions>>();
        return app.MapWhen(
            context => context.Request.Path.Equals(exact, StringComparison.OrdinalIgnoreCase) || context.Request.Path.Equals(slashed, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseExceptionHandler(errors => errors.Run(WriteError)).Run(async context =>
            {
                var request = context.Request;
                IResult result;
                if (HttpMethods.IsPost(request.Method))
                {
                    result = await handler.ReceiveAsync(context).ConfigureAwait(false);
                }
                else if (HttpMethods.IsGet(request.Method))
                {
                    result = WebhookReceiver.Verify(request, options);
                }
                else
                {
                    context.Response.Headers.Allow = "GET, POST";
                    result = WebhookReceiver.Problem(StatusCodes.Status405MethodNotAllowed, "Method not allowed", "The webhook callback answers GET (the handshake) and POST (events).");
                }

                await result.ExecuteAsync(context).ConfigureAwait(false);
            }));
    }

    // Without an IExceptionHandler or problem details service configured, still answer a problem, never the exception.
    private static Task WriteError(HttpContext context) =>
        WebhookReceiver.Problem(StatusCodes.Status500InternalServerError, "The webhook could not be stored", "Nothing was acknowledged; Meta will deliver it again.")
            .ExecuteAsync(context);
}
