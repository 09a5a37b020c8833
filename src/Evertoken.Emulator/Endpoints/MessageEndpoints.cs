using System.Text.Json;
using System.Text.Json.Nodes;
using Evertoken.Emulator.Internal;

namespace Evertoken.Emulator.Endpoints;

/// <summary>
/// <c>POST /{phone-number-id}/messages</c> (reference whatsapp-cloud-api.md §2): sends, with validation, the allow
/// list, throughput and pair limits and the 24-hour customer service window, then status webhooks; and mark-as-read.
/// </summary>
internal static class MessageEndpoints
{
    private const string Messaging = "whatsapp_business_messaging";
    private const int ReadReceiptDays = 30;

    public static void Map(GraphRouteGroup graph) => graph.MapPost("/{phone_number_id}/messages", SendAsync);

    private static async Task<IResult> SendAsync(HttpContext http, EmulatorState state)
    {
        var request = await GraphRequest.ReadAsync(http);
        var (caller, authError) = GraphAuth.Authenticate(state, request);
        if (caller is null)
        {
            return Fail(state, authError!);
        }

        // Same answers as GET /{phone-number-id}: an unknown or unreachable number looks missing (100/33), a token
        // without whatsapp_business_messaging gets "(#200) Permissions error".
        var id = (string)http.Request.RouteValues["phone_number_id"]!;
        if (state.FindPhoneNumber(id) is not { } number)
        {
            return Fail(state, GraphErrors.UnsupportedRequest("POST", id));
        }

        if (!caller.Record.HasScope(Messaging))
        {
            return Fail(state, GraphErrors.PermissionsError());
        }

        if (!caller.Record.CanReachPhoneNumber(number.Id, number.WabaId))
        {
            return Fail(state, GraphErrors.UnsupportedRequest("POST", id));
        }

        var body = await ReadBodyAsync(http, request);
        if (body is null || body["messaging_product"] is null)
        {
            return Fail(state, GraphErrors.MissingParameter("messaging_product"));
        }

        if (SendRequestValidator.Text(body["messaging_product"]) != "whatsapp")
        {
            return Fail(state, WhatsAppErrors.InvalidParameter("Param messaging_product must be 'whatsapp'."));
        }

        return body["status"] is not null ? MarkAsRead(state, number, body) : Send(state, number, body);
    }

    private static IResult Send(EmulatorState state, EmulatorPhoneNumber number, JsonObject body)
    {
        var (send, invalid) = SendRequestValidator.Validate(body);
        if (send is null)
        {
            return Fail(state, invalid!);
        }

        var settings = state.Settings;
        var messaging = state.Messaging;
        var now = state.Clock.GetUtcNow();
        if (send.WaId == WebhookPayloads.Digits(number.DisplayPhoneNumber))
        {
            return Fail(state, WhatsAppErrors.RecipientIsSender());
        }

        if (settings.RecipientAllowListEnabled && !settings.RecipientAllowList.Any(n => WebhookPayloads.Digits(n) == send.WaId))
        {
            return Fail(state, WhatsAppErrors.NotInAllowedList());
        }

        if (!messaging.TryTakeThroughput(number.Id, now))
        {
            return Fail(state, WhatsAppErrors.ThroughputReached(settings.ThroughputHttpStatus));
        }

        if (!messaging.TryTakePair(number.Id, send.WaId, now))
        {
            return Fail(state, WhatsAppErrors.PairRateLimitHit(settings.PairRateLimitHttpStatus));
        }

        var isTemplate = send.Type == "template";
        var inWindow = isTemplate || messaging.InCustomerServiceWindow(number.Id, send.WaId, now);
        if (!inWindow && settings.ReEngagementErrorSynchronous)
        {
            return Fail(state, WhatsAppErrors.ReEngagement());
        }

        var message = new OutboundMessage(Wamid.New(send.WaId, inbound: false), number, send.WaId, send.Type, now, send.BizOpaqueCallbackData);
        if (inWindow)
        {
            messaging.ReportAccepted(message);
        }
        else
        {
            // Meta accepts the call and reports the failure later in a "failed" status webhook (reference §2.5).
            messaging.ReportReEngagementFailure(message);
        }

        var sent = new JsonObject { ["id"] = message.Wamid };
        if (isTemplate && settings.TemplateMessageStatus is { } messageStatus)
        {
            sent["message_status"] = messageStatus;
        }

        return GraphJson.Ok(new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["contacts"] = new JsonArray(new JsonObject { ["input"] = send.To, ["wa_id"] = send.WaId }),
            ["messages"] = new JsonArray(sent),
        });
    }

    /// <summary>
    /// Mark as read (reference §2.3): <c>status: "read"</c> and the <c>message_id</c> of a message this number received
    /// within 30 days, optionally with a typing indicator; anything else about the id is 131009.
    /// </summary>
    private static IResult MarkAsRead(EmulatorState state, EmulatorPhoneNumber number, JsonObject body)
    {
        if (SendRequestValidator.Text(body["status"]) != "read")
        {
            return Fail(state, WhatsAppErrors.InvalidParameter("Param status must be 'read'."));
        }

        var messageId = SendRequestValidator.Text(body["message_id"]);
        if (string.IsNullOrEmpty(messageId))
        {
            return Fail(state, WhatsAppErrors.RequiredParameterMissing("The parameter message_id is required."));
        }

        var inbound = state.Messaging.FindInbound(messageId);
        if (inbound is null || inbound.PhoneNumberId != number.Id || state.Clock.GetUtcNow() - inbound.ReceivedAt > TimeSpan.FromDays(ReadReceiptDays))
        {
            // REVIEW: details text composed; Meta documents only the code (131009) for an invalid message_id.
            return Fail(state, WhatsAppErrors.ParameterValueNotValid("Param message_id is not a valid ID of a message received by this phone number in the last 30 days."));
        }

        if (body["typing_indicator"] is { } typing && (typing is not JsonObject t || SendRequestValidator.Text(t["type"]) != "text"))
        {
            return Fail(state, WhatsAppErrors.ParameterValueNotValid("Param typing_indicator['type'] must be 'text'."));
        }

        return GraphJson.Success();
    }

    /// <summary>The JSON body; a form body (Graph accepts one) is turned into an object, JSON-looking values parsed.</summary>
    private static async Task<JsonObject?> ReadBodyAsync(HttpContext http, GraphRequest request)
    {
        if (request.Form is { } form)
        {
            var fromForm = new JsonObject();
            foreach (var (key, value) in form)
            {
                if (key != "access_token")
                {
                    fromForm[key] = value.TrimStart() is ['{' or '[', ..] ? TryParse(value) ?? JsonValue.Create(value) : JsonValue.Create(value);
                }
            }

            return fromForm;
        }

        http.Request.EnableBuffering();
        http.Request.Body.Position = 0;
        try
        {
            return await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            http.Request.Body.Position = 0;
        }
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Fail(EmulatorState state, GraphError error) => GraphErrors.Result(error, state.Settings);
}
