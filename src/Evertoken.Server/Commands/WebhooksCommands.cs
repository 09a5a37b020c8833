using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Evertoken.Server.Cli;

namespace Evertoken.Server.Commands;

/// <summary>
/// <c>evertoken webhooks tail|replay</c> against a running server (<c>--server URL</c>, admin key from
/// <c>EVERTOKEN_ADMIN_KEY</c>). <c>tail</c> prints webhook events as they are stored, like <c>stripe listen</c>;
/// <c>replay</c> queues a stored event's payload for the relay again. Exit codes: 0 ok, 1 bad input or unreachable,
/// 2 no such event, 3 nothing to replay to (no relay target matches).
/// </summary>
internal static class WebhooksCommands
{
    private const string KeyVariable = "EVERTOKEN_ADMIN_KEY";

    public static Command Create(CliHost host) =>
        new("webhooks", "Watch and replay the WhatsApp webhooks a running server received") { Tail(host), Replay(host) };

    private static Option<string?> ServerOption() =>
        new("--server") { Description = $"The running evertoken server [env: EVERTOKEN_SERVER; default: {ServerApiClient.DefaultServer}; key from {KeyVariable}]" };

    private static Command Tail(CliHost host)
    {
        var server = ServerOption();
        var phone = CredentialOptions.PhoneNumberId();
        var kind = new Option<string?>("--kind") { Description = "Only message, status, error or other events" };
        var after = new Option<long?>("--after") { Description = "Start after this event id (default: only events stored from now on; 0 for all)" };
        var interval = new Option<TimeSpan>("--interval") { Description = "How often to ask for new events", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };
        var count = new Option<int?>("--count") { Description = "Stop after printing this many events" };
        var command = new Command("tail", "Print webhook events as they arrive (Ctrl+C to stop); --json prints one JSON object per line")
        {
            server, phone, kind, after, interval, count,
        };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            var period = parse.GetValue(interval);
            if (period <= TimeSpan.Zero)
            {
                throw new UsageException("--interval must be positive.");
            }

            using var client = ServerApiClient.Create(ctx, parse.GetValue(server), KeyVariable);
            var filters = "";
            if (parse.GetValue(phone) is { } phoneId)
            {
                filters += "&phone_number_id=" + Uri.EscapeDataString(phoneId);
            }

            if (parse.GetValue(kind) is { } kindValue)
            {
                filters += "&kind=" + Uri.EscapeDataString(kindValue);
            }

            var limit = parse.GetValue(count);
            var printed = 0;
            try
            {
                var cursor = parse.GetValue(after) ?? await LastIdAsync(client, ct);
                if (!ctx.Json)
                {
                    ctx.Host.Error.WriteLine($"Waiting for webhook events after #{cursor} (Ctrl+C to stop)...");
                }

                using var timer = new PeriodicTimer(period, ctx.Host.Time);
                while (limit is null || printed < limit)
                {
                    var (status, body) = await client.SendAsync(HttpMethod.Get,
                        $"v1/webhooks/events?after={cursor.ToString(CultureInfo.InvariantCulture)}&limit=100{filters}", null, ct);
                    if (status != 200 || body is not { ValueKind: JsonValueKind.Object } page)
                    {
                        ctx.WriteError(ServerApiClient.Describe(status, body));
                        return ExitCodes.UsageError;
                    }

                    foreach (var item in page.GetProperty("events").EnumerateArray())
                    {
                        cursor = item.GetProperty("id").GetInt64();
                        Print(ctx, item);
                        if (++printed == limit)
                        {
                            return ExitCodes.Ok;
                        }
                    }

                    if (page.TryGetProperty("next_after", out var next) && next.ValueKind == JsonValueKind.Number)
                    {
                        continue;
                    }

                    await timer.WaitForNextTickAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how tail ends.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Replay(CliHost host)
    {
        var server = ServerOption();
        var id = new Argument<long>("id") { Description = "The event id (from tail or GET /v1/webhooks/events)" };
        var command = new Command("replay", "Send a stored event's payload to the relay targets again") { id, server };
        command.SetAction(host, async (ctx, parse, ct) =>
        {
            using var client = ServerApiClient.Create(ctx, parse.GetValue(server), KeyVariable);
            var eventId = parse.GetValue(id);
            var (status, body) = await client.SendAsync(HttpMethod.Post, $"v1/webhooks/events/{eventId.ToString(CultureInfo.InvariantCulture)}/replay", "{}", ct);
            if (status == 202 && body is { ValueKind: JsonValueKind.Object } replay)
            {
                if (ctx.Json)
                {
                    ctx.WriteJson(replay);
                }
                else
                {
                    ctx.Host.Out.WriteLine($"Queued payload {replay.GetProperty("payload_id").GetInt64()} of event {eventId} for {replay.GetProperty("queued").GetInt32()} relay target(s).");
                }

                return ExitCodes.Ok;
            }

            ctx.WriteError(ServerApiClient.Describe(status, body));
            return status switch
            {
                404 => ExitCodes.TokenUnusable,
                409 => ExitCodes.NeedsAttention,
                _ => ExitCodes.UsageError,
            };
        });
        return command;
    }

    private static async Task<long> LastIdAsync(ServerApiClient client, CancellationToken ct)
    {
        var (status, body) = await client.SendAsync(HttpMethod.Get, "v1/webhooks/events?limit=1", null, ct);
        if (status != 200 || body is not { ValueKind: JsonValueKind.Object } page)
        {
            throw new UsageException(ServerApiClient.Describe(status, body));
        }

        return page.TryGetProperty("last_id", out var last) && last.ValueKind == JsonValueKind.Number ? last.GetInt64() : 0;
    }

    private static void Print(CliContext ctx, JsonElement item)
    {
        if (ctx.Json)
        {
            ctx.Host.Out.WriteLine(item.GetRawText());
            return;
        }

        var e = item.GetProperty("event");
        string? Field(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var received = item.GetProperty("received_at").GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        var kind = e.GetProperty("kind").ValueKind == JsonValueKind.String ? e.GetProperty("kind").GetString() : e.GetProperty("kind").GetRawText();
        var line = $"{received}  #{item.GetProperty("id").GetInt64()}  {kind?.ToLowerInvariant(),-7}  phone {Field("phone_number_id") ?? "-"}";
        line += kind switch
        {
            "Message" => $"  {Field("message_type")} from {Field("from")}{(Field("from_name") is { } n ? $" ({n})" : "")}  {Field("wamid")}{Preview(Field("raw_json"))}",
            "Status" => $"  {Field("status")} {Field("wamid")} to {Field("recipient_id")}",
            _ => $"  {Field("field")}",
        };
        ctx.Host.Out.WriteLine(line);
    }

    // The first line of a text message's body, shortened.
    private static string Preview(string? rawJson)
    {
        if (rawJson is null)
        {
            return "";
        }

        try
        {
            using var document = JsonDocument.Parse(rawJson);
            if (document.RootElement.TryGetProperty("text", out var text) && text.TryGetProperty("body", out var body) && body.GetString() is { } value)
            {
                var line = value.Split('\n')[0];
                return "  \"" + (line.Length > 60 ? line[..57] + "..." : line) + "\"";
            }
        }
        catch (JsonException)
        {
            // No preview.
        }

        return "";
    }
}
