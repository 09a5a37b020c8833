using System.Globalization;
using System.Security.Cryptography;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// Control API for webhooks: an app's callback URL (<c>/_emulator/webhooks</c>), the recorded deliveries and
/// redelivery. Not Graph: never recorded, never faulted. JSON in snake_case.
/// </summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder endpoints, EmulatorState state)
    {
        var group = endpoints.MapGroup("/_emulator/webhooks");

        group.MapGet("/", () => Json(state.Messaging.Targets.Select(TargetJson)));

        group.MapPost("/", (Func<HttpContext, Task<IResult>>)(async http =>
        {
            var body = await ControlBody.ReadAsync(http);
            if (body is null)
            {
                return Problem("Send a JSON object {callback_url, verify_token?, app_id?}.");
            }

            if (AppId(state, ControlBody.Text(body, "app_id")) is not { } appId)
            {
                return Problem("app_id is required when the emulator has no sample app.");
            }

            if (state.FindApp(appId) is null)
            {
                return Problem($"App {appId} does not exist.", 404);
            }

            if (!Uri.TryCreate(ControlBody.Text(body, "callback_url"), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                return Problem("callback_url must be an absolute http or https URL.");
            }

            // Like the App Dashboard, a verify token makes the emulator run the verification handshake first.
            var verifyToken = ControlBody.Text(body, "verify_token");
            if (verifyToken is not null && await VerifyAsync(state, url, verifyToken, http.RequestAborted) is { } failure)
            {
                return Problem("The callback URL could not be validated: " + failure);
            }

            var target = new WebhookTarget(appId, url.ToString(), verifyToken, verifyToken is not null);
            state.Messaging.SetTarget(target);
            return Json(TargetJson(target));
        }));

        group.MapDelete("/", (string? app_id) =>
            AppId(state, app_id) is { } appId && state.Messaging.RemoveTarget(appId)
                ? Json(new { Success = true })
                : Problem("No callback URL is set for that app.", 404));

        group.MapGet("/deliveries", (string? message_id, string? kind) => Json(state.Messaging.Deliveries()
            .Where(d => message_id is null || d.MessageId == message_id)
            .Where(d => kind is null || d.Kind == kind)));

        group.MapPost("/deliveries/{id}/redeliver", (string id) =>
            state.Messaging.FindDelivery(id) is { } delivery
                ? Json(state.Messaging.Redeliver(delivery).Snapshot())
                : Problem($"Delivery {id} does not exist.", 404));

        return group;
    }

    /// <summary>
    /// Meta's verification request (reference §5.1): GET with hub.mode=subscribe, hub.challenge and hub.verify_token;
    /// the receiver must answer 200 with the challenge as the body. Returns why it failed, or null.
    /// </summary>
    private static async Task<string?> VerifyAsync(EmulatorState state, Uri url, string verifyToken, CancellationToken ct)
    {
        var challenge = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
        var target = $"{url}{separator}hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={Uri.EscapeDataString(verifyToken)}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Clamp(state.Settings.WebhookTimeoutSeconds, 0.001, 300)));
        try
        {
            using var response = await state.Messaging.Dispatcher.Http.GetAsync(target, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return $"the verification request was answered {(int)response.StatusCode}.";
            }

            return text.Trim() == challenge ? null : "the answer was not the hub.challenge value.";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return "the verification request timed out.";
        }
        catch (HttpRequestException ex)
        {
            return $"the verification request failed ({ex.HttpRequestError}).";
        }
    }

    /// <summary>The given app, else the sample app, else the only app.</summary>
    internal static string? AppId(EmulatorState state, string? given) =>
        given ?? state.Sample?.AppId ?? (state.Apps.Count == 1 ? state.Apps.First().Id : null);

    // The verify token is a shared secret: it is never echoed back.
    private static object TargetJson(WebhookTarget target) => new { target.AppId, target.CallbackUrl, target.Verified };

    internal static IResult Json(object? value) => Results.Json(value, EmulatorJson.Options);

    internal static IResult Problem(string detail, int status = 400) => Results.Problem(detail, statusCode: status);
}
