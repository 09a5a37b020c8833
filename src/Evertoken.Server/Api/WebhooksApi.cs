using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Evertoken.Server.Auth;
using Evertoken.Storage;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Evertoken.Server.Api;

/// <summary>
/// Webhooks: the receiver Meta calls at <c>/webhooks/whatsapp</c> (no Evertoken auth: Meta's signature is the proof)
/// and the admin API under <c>/v1/webhooks</c> to read stored events and payloads, see the relay and replay.
/// A POST is answered 200 only after its payload is durably stored; anything refused (too big, unsigned, not a
/// webhook) is not stored at all, so Meta retries it.
/// </summary>
public static class WebhooksApi
{
    /// <summary>The path Meta is given as the callback URL.</summary>
    public const string ReceiverPath = "/webhooks/whatsapp";

    /// <summary>Maps the receiver and the admin group; returns the admin group.</summary>
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var receiver = app.MapGroup(ReceiverPath).AllowAnonymous().WithTags("Webhooks").ExcludeFromDescription();
        receiver.MapGet("/", Verify);
        receiver.MapPost("/", ReceiveAsync);

        var group = app.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/events", ListEventsAsync);
        group.MapGet("/payloads/{id:long}", GetPayloadAsync);
        group.MapGet("/relay", RelayAsync);
        group.MapPost("/events/{id:long}/replay", ReplayAsync);
        return group;
    }

    /// <summary>
    /// The subscription handshake (reference §5.1): <c>hub.mode=subscribe</c> and the configured verify token are
    /// answered with the raw <c>hub.challenge</c> as text/plain; anything else with 403.
    /// </summary>
    private static Results<ContentHttpResult, ProblemHttpResult> Verify(HttpRequest request, IOptions<WebhookReceiverOptions> options)
    {
        var expected = options.Value.VerifyToken;
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        if (string.IsNullOrEmpty(expected) || mode != "subscribe" || challenge.Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected)))
        {
            return TypedResults.Problem(title: "Verification refused",
                detail: "hub.mode must be subscribe and hub.verify_token must match Webhooks:VerifyToken.", statusCode: StatusCodes.Status403Forbidden);
        }

        return TypedResults.Text(challenge, "text/plain", Encoding.UTF8);
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IWebhookInbox inbox, WebhookSecrets secrets,
        IOptions<WebhookReceiverOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return TooLarge(max);
        }

        var body = await ReadBodyAsync(http.Request.BodyReader, max, http.RequestAborted);
        if (body is null)
        {
            return TooLarge(max);
        }

        var signature = http.Request.Headers[WebhookSignature.HeaderName].ToString();
        if (signature.Length == 0)
        {
            return Problem(StatusCodes.Status401Unauthorized, "Missing signature", $"The {WebhookSignature.HeaderName} header is required.");
        }

        var keys = await secrets.GetAsync(reload: false, http.RequestAborted);
        if (!Verified(body, signature, keys))
        {
            // An app added a moment ago may not be cached yet.
            var reloaded = await secrets.GetAsync(reload: true, http.RequestAborted);
            if (reloaded.Count == 0)
            {
                loggers.CreateLogger(typeof(WebhooksApi)).LogError("A webhook arrived but no app secret is configured (Webhooks:AppSecrets or an app in the store); it was refused and Meta will retry it.");
                return Problem(StatusCodes.Status503ServiceUnavailable, "No app secret configured", "Add the app (with its secret) or set Webhooks:AppSecrets.");
            }

            if (ReferenceEquals(reloaded, keys) || !Verified(body, signature, reloaded))
            {
                return Problem(StatusCodes.Status401Unauthorized, "Invalid signature", $"The {WebhookSignature.HeaderName} signature does not match the body.");
            }
        }

        // A cheap envelope check only; the inbox extracts the events from the stored body after the commit.
        if (!WebhookEventExtractor.TryValidate(body, out var invalid))
        {
            return Problem(StatusCodes.Status400BadRequest, "Not a webhook payload", invalid);
        }

        // Stored (committed) before Meta gets its 200: from here a crash cannot lose this payload.
        await inbox.AppendAsync(body, time.GetUtcNow(), http.RequestAborted);
        return Results.Ok();
    }

    private static bool Verified(byte[] body, string signature, IReadOnlyList<string> keys) =>
        keys.Count > 0 && WebhookSignature.Verify(body, signature, keys);

    // Reads the whole body, or returns null as soon as it is longer than max (nothing is kept).
    private static async Task<byte[]?> ReadBodyAsync(PipeReader reader, int max, CancellationToken ct)
    {
        while (true)
        {
            var result = await reader.ReadAsync(ct);
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

    private static async Task<Results<Ok<WebhookEventList>, ValidationProblem>> ListEventsAsync(HttpRequest request, IWebhookInbox inbox, CancellationToken ct)
    {
        var q = request.Query;
        var problems = new Dictionary<string, string[]>();
        WebhookEventKind? kind = null;
        if (q["kind"].ToString() is { Length: > 0 } kindText)
        {
            if (Enum.TryParse<WebhookEventKind>(kindText, ignoreCase: true, out var parsedKind) && Enum.IsDefined(parsedKind))
            {
                kind = parsedKind;
            }
            else
            {
                problems["kind"] = ["kind must be message, status, error or other."];
            }
        }

        var limit = ParseLong(q, "limit", problems) ?? 100;
        if (limit is < 1 or > WebhookEventQuery.MaxLimit)
        {
            problems["limit"] = [$"limit must be between 1 and {WebhookEventQuery.MaxLimit}."];
        }

        var after = ParseLong(q, "after", problems);
        var from = ParseTime(q, "from", problems);
        var to = ParseTime(q, "to", problems);
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var page = await inbox.QueryEventsAsync(new WebhookEventQuery
        {
            PhoneNumberId = Text(q, "phone_number_id"),
            Kind = kind,
            MessageType = Text(q, "type"),
            Status = Text(q, "status"),
            Wamid = Text(q, "wamid"),
            ReceivedFrom = from,
            ReceivedBefore = to,
            After = after,
            Limit = (int)limit,
        }, ct);
        var last = await inbox.GetLastEventIdAsync(ct);
        return TypedResults.Ok(new WebhookEventList([.. page.Events.Select(WebhookEventView.Of)], page.NextAfter, last));
    }

    private static async Task<Results<Ok<WebhookPayloadView>, NotFound<ProblemDetails>>> GetPayloadAsync(long id, IWebhookInbox inbox, CancellationToken ct) =>
        await inbox.GetPayloadAsync(id, ct) is { } payload
            ? TypedResults.Ok(WebhookPayloadView.Of(payload))
            : TypedResults.NotFound(new ProblemDetails { Title = "No such payload", Detail = $"No stored webhook payload {id}.", Status = 404 });

    private static async Task<Ok<WebhookRelayStatus>> RelayAsync(WebhookRelay relay, CancellationToken ct) =>
        TypedResults.Ok(await relay.GetStatusAsync(ct));

    private static async Task<Results<Accepted<WebhookReplayView>, NotFound<ProblemDetails>, Conflict<ProblemDetails>>> ReplayAsync(
        long id, WebhookRelay relay, ITokenStore store, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await relay.FindPayloadOfEventAsync(id, ct) is not { } payloadId)
        {
            return TypedResults.NotFound(new ProblemDetails { Title = "No such event", Detail = $"No stored webhook event {id}.", Status = 404 });
        }

        var queued = await relay.RequeuePayloadAsync(payloadId, ct) ?? 0;
        if (queued == 0)
        {
            return TypedResults.Conflict(new ProblemDetails
            {
                Title = "No relay target",
                Detail = "No configured relay target matches this payload's phone number; set Webhooks:Relay:0:Url.",
                Status = 409,
            });
        }

        await store.AppendAuditAsync(new AuditEntry
        {
            At = time.GetUtcNow(),
            Action = "webhook.replay",
            Actor = user.Actor(),
            Detail = $"event {id}, payload {payloadId}, {queued} deliveries",
        }, ct);
        return TypedResults.Accepted($"/v1/webhooks/relay", new WebhookReplayView(id, payloadId, queued));
    }

    private static string? Text(IQueryCollection query, string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

    private static long? ParseLong(IQueryCollection query, string name, Dictionary<string, string[]> problems)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems[name] = [$"{name} must be an integer."];
        return null;
    }

    // An ISO 8601 time or unix seconds.
    private static DateTimeOffset? ParseTime(IQueryCollection query, string name, Dictionary<string, string[]> problems)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        problems[name] = [$"{name} must be an ISO 8601 time or unix seconds."];
        return null;
    }

    private static IResult TooLarge(int max) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Payload too large", $"Webhook bodies are limited to {max} bytes.");

    private static ProblemHttpResult Problem(int status, string title, string? detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
