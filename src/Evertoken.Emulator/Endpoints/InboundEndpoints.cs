using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// <c>POST /_emulator/inbound</c>: a user writes to a business number. Builds the <c>messages</c> webhook Meta would
/// send (reference whatsapp-cloud-api.md §5.4, fixtures webhook.message.*.json), opens the user's 24-hour customer
/// service window, delivers it signed to the subscribed apps and answers <c>{wamid, delivery_id, delivery_ids}</c>.
/// </summary>
/// <remarks>
/// Body: <c>{from, type?, phone_number_id?, name?, text?, caption?, filename?, mime_type?, media_id?, message_id?,
/// emoji?, reply_id?, context?{id, from?}, &lt;type&gt;?, raw?}</c>. The type defaults to <c>text</c>. A property named
/// like the type (<c>"location": {...}</c>, <c>"interactive": {...}</c>, <c>"contacts": [...]</c>) is used as the
/// payload as is; otherwise it is built from the short fields. <c>raw</c> is a whole message object, sent as given
/// (from, id, timestamp and type are filled in when missing).
/// </remarks>
internal static class InboundEndpoints
{
    private static readonly Dictionary<string, string> DefaultMimeTypes = new(StringComparer.Ordinal)
    {
        ["image"] = "image/jpeg",
        ["video"] = "video/mp4",
        ["audio"] = "audio/ogg; codecs=opus",
        ["document"] = "application/pdf",
        ["sticker"] = "image/webp",
    };

    public static void Map(IEndpointRouteBuilder endpoints, EmulatorState state) =>
        endpoints.MapPost("/_emulator/inbound", (Func<HttpContext, Task<IResult>>)(http => ReceiveAsync(http, state)));

    private static async Task<IResult> ReceiveAsync(HttpContext http, EmulatorState state)
    {
        var body = await ControlBody.ReadAsync(http);
        if (body is null)
        {
            return WebhookEndpoints.Problem("Send a JSON object {from, type?, text?, ...}.");
        }

        var phoneNumberId = ControlBody.Text(body, "phone_number_id") ?? state.Sample?.PhoneNumberId;
        if (phoneNumberId is null || state.FindPhoneNumber(phoneNumberId) is not { } number)
        {
            return WebhookEndpoints.Problem(phoneNumberId is null ? "phone_number_id is required." : $"Phone number {phoneNumberId} does not exist.", phoneNumberId is null ? 400 : 404);
        }

        var from = WebhookPayloads.Digits(ControlBody.Text(body, "from") ?? "");
        if (from.Length == 0)
        {
            return WebhookEndpoints.Problem("from (the user's phone number) is required.");
        }

        var now = state.Clock.GetUtcNow();
        var (message, problem) = body["raw"] is JsonObject raw ? FromRaw(raw, from, now) : Build(body, number, from, now);
        if (message is null)
        {
            return WebhookEndpoints.Problem(problem!);
        }

        var wamid = SendRequestValidator.Text(message["id"])!;
        var type = SendRequestValidator.Text(message["type"]) ?? "unknown";
        state.Messaging.RecordInbound(new InboundMessage(wamid, number.Id, from, now));

        var name = ControlBody.Text(body, "name") ?? "Emulated User";
        var payload = WebhookPayloads.Envelope(number.WabaId, number, value =>
        {
            value["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = from });
            value["messages"] = new JsonArray(message);
        });
        var deliveries = state.Messaging.Emit(number.WabaId, "message", type, wamid, payload, now);
        return WebhookEndpoints.Json(new
        {
            Wamid = wamid,
            DeliveryId = deliveries.FirstOrDefault()?.Id,
            DeliveryIds = deliveries.Select(d => d.Id),
        });
    }

    private static (JsonObject? Message, string? Problem) FromRaw(JsonObject raw, string from, DateTimeOffset now)
    {
        var message = raw.DeepClone().AsObject();
        message["from"] ??= from;
        message["id"] ??= Wamid.New(from, inbound: true);
        message["timestamp"] ??= WebhookPayloads.Timestamp(now);
        message["type"] ??= "text";
        return SendRequestValidator.Text(message["id"]) is null ? (null, "raw.id must be a string.") : (message, null);
    }

    private static (JsonObject? Message, string? Problem) Build(JsonObject body, EmulatorPhoneNumber number, string from, DateTimeOffset now)
    {
        var type = ControlBody.Text(body, "type") ?? "text";
        var text = ControlBody.Text(body, "text");
        JsonNode? payload = body[type] is JsonObject or JsonArray ? body[type]!.DeepClone() : null;
        if (payload is null)
        {
            (payload, var problem) = type switch
            {
                "text" => text is null ? (null, "text is required for a text message.") : ((JsonNode?)new JsonObject { ["body"] = text }, null),
                "image" or "video" or "audio" or "document" or "sticker" => (Media(body, type), null),
                "reaction" => Reaction(body),
                "button" => text is null
                    ? (null, "text (the button's text) is required for a button message.")
                    : (new JsonObject { ["payload"] = ControlBody.Text(body, "payload") ?? text, ["text"] = text }, null),
                "interactive" => (new JsonObject
                {
                    ["type"] = "button_reply",
                    ["button_reply"] = new JsonObject { ["id"] = ControlBody.Text(body, "reply_id") ?? "button-1", ["title"] = text ?? "OK" },
                }, null),
                _ => ((JsonNode?)null, $"A {type} message needs a \"{type}\" object (or a raw message)."),
            };
            if (payload is null)
            {
                return (null, problem);
            }
        }

        // Key order of the fixtures: context first, then from, id, timestamp, type and the payload.
        var message = new JsonObject();
        if (body["context"] is JsonObject context && SendRequestValidator.Text(context["id"]) is { } contextId)
        {
            message["context"] = new JsonObject
            {
                ["from"] = SendRequestValidator.Text(context["from"]) ?? WebhookPayloads.Digits(number.DisplayPhoneNumber),
                ["id"] = contextId,
            };
        }

        message["from"] = from;
        message["id"] = Wamid.New(from, inbound: true);
        message["timestamp"] = WebhookPayloads.Timestamp(now);
        message["type"] = type;
        message[type] = payload;
        return (message, null);
    }

    // Media arrive as a media id to download (fixture webhook.message.image-message.json: caption, mime_type, sha256, id).
    private static JsonObject Media(JsonObject body, string type)
    {
        var media = new JsonObject();
        if (ControlBody.Text(body, "caption") is { } caption && type is "image" or "video" or "document")
        {
            media["caption"] = caption;
        }

        if (type == "document")
        {
            media["filename"] = ControlBody.Text(body, "filename") ?? "document.pdf";
        }

        media["mime_type"] = ControlBody.Text(body, "mime_type") ?? DefaultMimeTypes[type];
        media["sha256"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        media["id"] = ControlBody.Text(body, "media_id") ?? RandomText.NumericId(16);
        return media;
    }

    private static (JsonNode? Payload, string? Problem) Reaction(JsonObject body) =>
        ControlBody.Text(body, "message_id") is { } messageId
            ? (new JsonObject { ["message_id"] = messageId, ["emoji"] = SendRequestValidator.Text(body["emoji"]) ?? "\U0001F44D" }, null)
            : (null, "message_id (the reacted-to wamid) is required for a reaction.");
}
