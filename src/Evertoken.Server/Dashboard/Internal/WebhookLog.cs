using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// The webhook log behind <c>/webhooks</c>: the filters, the first page rendered on the server, and
/// <c>GET /dashboard/events/stream</c>, a server-sent event stream the page reads with <c>EventSource</c> (new events
/// as the inbox stores them), plus <c>GET /dashboard/events/payload/{id}</c> for the payload viewer.
/// </summary>
internal static class WebhookLog
{
    /// <summary>How often the stream asks the inbox for new events.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How far back the page looks when it opens. REVIEW: the inbox pages oldest first, so the page reads
    /// forward from here and keeps the newest rows; an inbox with millions of events a day wants a newest-first query.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(1);

    /// <summary>Rows the page shows.</summary>
    public const int PageSize = 100;

    public static IEndpointRouteBuilder MapDashboardEventStream(this IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard/events/stream", Stream).ExcludeFromDescription().RequireAuthorization(DashboardExtensions.Policy);
        app.MapGet("/dashboard/events/payload/{id:long}", PayloadAsync).ExcludeFromDescription().RequireAuthorization(DashboardExtensions.Policy);
        return app;
    }

    /// <summary>Reads the filters from a query string; unknown kinds are ignored.</summary>
    public static WebhookEventQuery Filter(string? kind, string? phone, string? status, string? wamid, string? type) => new()
    {
        Kind = Enum.TryParse<WebhookEventKind>(kind, ignoreCase: true, out var k) ? k : null,
        PhoneNumberId = Blank(phone),
        Status = Blank(status),
        Wamid = Blank(wamid),
        MessageType = Blank(type),
    };

    /// <summary>The newest <see cref="PageSize"/> events matching <paramref name="filter"/> in the window, newest first.</summary>
    public static async Task<IReadOnlyList<StoredWebhookEvent>> RecentAsync(IWebhookInbox inbox, WebhookEventQuery filter, DateTimeOffset now, CancellationToken ct)
    {
        var kept = new Queue<StoredWebhookEvent>();
        var query = filter with { ReceivedFrom = now - Window, Limit = WebhookEventQuery.MaxLimit };
        while (true)
        {
            var page = await inbox.QueryEventsAsync(query, ct);
            foreach (var e in page.Events)
            {
                kept.Enqueue(e);
                if (kept.Count > PageSize)
                {
                    kept.Dequeue();
                }
            }

            if (page.NextAfter is not { } next)
            {
                break;
            }

            query = query with { After = next };
        }

        return kept.Reverse().ToList();
    }

    /// <summary>
    /// The relay state of each payload (<see cref="StoredWebhookPayload.RelayState"/>), one lookup per distinct payload:
    /// a page shows at most <see cref="PageSize"/> events and a burst's events share their payloads.
    /// </summary>
    public static async Task<Dictionary<long, string>> RelayStatesAsync(IWebhookInbox inbox, IEnumerable<StoredWebhookEvent> events, CancellationToken ct)
    {
        var states = new Dictionary<long, string>();
        foreach (var payloadId in events.Select(e => e.PayloadId).Distinct())
        {
            if (await inbox.GetPayloadAsync(payloadId, ct) is { } payload)
            {
                states[payloadId] = payload.RelayState;
            }
        }

        return states;
    }

    /// <summary>One row as the page and the stream show it, with its payload's relay state when known.</summary>
    public static EventRow Row(StoredWebhookEvent stored, string? relayState = null)
    {
        var e = stored.Event;
        var who = e.Kind switch
        {
            WebhookEventKind.Message => e.FromName is { } n ? $"{n} ({e.From})" : e.From,
            WebhookEventKind.Status => e.RecipientId,
            _ => null,
        };
        var what = e.Kind switch
        {
            WebhookEventKind.Message => e.MessageType,
            WebhookEventKind.Status => e.Status,
            WebhookEventKind.Error => e.Errors.FirstOrDefault() is { } err ? $"{err.Code} {err.Title}" : "error",
            _ => e.Field,
        };
        return new EventRow(stored.Id, stored.PayloadId, stored.ReceivedAt.ToString("O", CultureInfo.InvariantCulture), e.Kind.ToString(), e.Field,
            e.PhoneNumberId, e.Wamid, e.Status, e.MessageType, what ?? "", who, stored.DuplicateCount, Pretty(e.RawJson), relayState);
    }

    private static ServerSentEventsResult<EventRow?> Stream(
        IWebhookInbox inbox, HttpContext context, string? kind, string? phone, string? status, string? wamid, string? type, long? after, DateTimeOffset? since)
    {
        // EventSource sends the last id it saw when it reconnects; it wins over the id the page started from.
        var lastId = long.TryParse(context.Request.Headers["Last-Event-ID"], out var resumed) ? resumed : after ?? 0;
        var filter = Filter(kind, phone, status, wamid, type) with { After = lastId, ReceivedFrom = since, Limit = 200 };
        return TypedResults.ServerSentEvents(Follow(inbox, filter, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<EventRow?>> Follow(IWebhookInbox inbox, WebhookEventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        // A first "ping" sends the headers at once (EventSource reports the stream open), and one every
        // PingEvery quiet polls keeps proxies from closing an idle connection.
        yield return Ping;
        var quiet = 0;
        // Real time, not the injected clock: this is how often a browser is updated, and a test's frozen clock must not stop it.
        using var timer = new PeriodicTimer(PollInterval, TimeProvider.System);
        while (await WaitAsync(timer, ct))
        {
            WebhookEventPage page;
            var sent = false;
            do
            {
                page = await inbox.QueryEventsAsync(query, ct);
                var relayStates = await RelayStatesAsync(inbox, page.Events, ct);
                foreach (var e in page.Events)
                {
                    yield return new SseItem<EventRow?>(Row(e, relayStates.GetValueOrDefault(e.PayloadId)), "webhook") { EventId = e.Id.ToString(CultureInfo.InvariantCulture) };
                    query = query with { After = e.Id };
                    sent = true;
                }
            }
            while (page.NextAfter is not null);

            quiet = sent ? 0 : quiet + 1;
            if (quiet >= PingEvery)
            {
                quiet = 0;
                yield return Ping;
            }
        }
    }

    private const int PingEvery = 15;

    private static SseItem<EventRow?> Ping => new(null, "ping");

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<IResult> PayloadAsync(long id, IWebhookInbox inbox, CancellationToken ct)
    {
        if (await inbox.GetPayloadAsync(id, ct) is not { } payload)
        {
            return TypedResults.NotFound();
        }

        string body;
        try
        {
            body = Pretty(System.Text.Encoding.UTF8.GetString(payload.Body.Span));
        }
        catch (ArgumentException)
        {
            body = "(not UTF-8 text)";
        }

        return TypedResults.Ok(new PayloadView(payload.Id, payload.ReceivedAt, payload.EventCount, payload.NewEventCount, payload.DuplicateEventCount, payload.RelayState, body));
    }

    private static string Pretty(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, PrettyJson);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static readonly JsonSerializerOptions PrettyJson = new() { WriteIndented = true };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>A row of the log.</summary>
    public sealed record EventRow(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("payload_id")] long PayloadId,
        [property: JsonPropertyName("received_at")] string ReceivedAt,
        [property: JsonPropertyName("kind")] string Kind,
        [property: JsonPropertyName("field")] string Field,
        [property: JsonPropertyName("phone_number_id")] string? PhoneNumberId,
        [property: JsonPropertyName("wamid")] string? Wamid,
        [property: JsonPropertyName("status")] string? Status,
        [property: JsonPropertyName("message_type")] string? MessageType,
        [property: JsonPropertyName("what")] string What,
        [property: JsonPropertyName("who")] string? Who,
        [property: JsonPropertyName("duplicates")] int Duplicates,
        [property: JsonPropertyName("raw")] string Raw,
        [property: JsonPropertyName("relay_state")] string? RelayState);

    /// <summary>A stored payload for the viewer.</summary>
    public sealed record PayloadView(
        [property: JsonPropertyName("id")] long Id,
        [property: JsonPropertyName("received_at")] DateTimeOffset ReceivedAt,
        [property: JsonPropertyName("events")] int Events,
        [property: JsonPropertyName("new_events")] int NewEvents,
        [property: JsonPropertyName("duplicate_events")] int DuplicateEvents,
        [property: JsonPropertyName("relay_state")] string RelayState,
        [property: JsonPropertyName("body")] string Body);
}
