using System.Globalization;
using System.Security.Claims;
using Evertoken.Server.Auth;
using Evertoken.Storage;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

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

    /// <summary>
    /// Serves the receiver on its own branch ahead of routing and authentication (see
    /// <see cref="WebhookApplicationBuilderExtensions.UseEvertokenWebhooks"/>): Meta's calls need neither.
    /// </summary>
    public static IApplicationBuilder UseWebhookReceiver(this IApplicationBuilder app) => app.UseEvertokenWebhooks(ReceiverPath);

    /// <summary>Maps the admin group under <c>/v1/webhooks</c>; returns it.</summary>
    public static RouteGroupBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/webhooks").WithTags("Webhooks").RequireAuthorization(EvertokenAuth.AdminPolicy);
        group.MapGet("/events", ListEventsAsync);
        group.MapGet("/payloads/{id:long}", GetPayloadAsync);
        group.MapGet("/relay", RelayAsync);
        group.MapPost("/events/{id:long}/replay", ReplayAsync);
        return group;
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
}
