using System.Globalization;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// The WhatsApp Cloud API errors the emulator sends, with Meta's titles (reference whatsapp-cloud-api.md §3 and the
/// fixtures error.send.*.json): synchronously as a Graph envelope with <c>error_data</c>, or asynchronously as the
/// webhook error object (<c>{code, title, message, error_data{details}, href}</c>, fixture webhook.status.failed-131047.json).
/// </summary>
internal static class WhatsAppErrors
{
    /// <summary>The <c>href</c> of webhook error objects (fixture webhook.status.failed-131047.json).</summary>
    public const string Href = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

    public const string ReEngagementTitle = "Re-engagement message";

    public const string ReEngagementDetails =
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.";

    /// <summary>
    /// Code 100 with details: what Meta answers for many malformed sends (observed: <c>"(#100) Invalid parameter"</c>
    /// with details "Parameter name is missing or empty" for a template without a name).
    /// </summary>
    public static GraphError InvalidParameter(string details) => new(100, "(#100) Invalid parameter") { Details = details };

    public static GraphError RequiredParameterMissing(string details) =>
        new(131008, "(#131008) Required parameter is missing") { Details = details };

    public static GraphError ParameterValueNotValid(string details) =>
        new(131009, "(#131009) Parameter value is not valid") { Details = details };

    // The reference lists 131051 for an outbound type the API does not support; the details text is the one of
    // Meta's inbound example (spec "Unsupported Message").
    public static GraphError UnsupportedMessageType(string type) =>
        new(131051, "(#131051) Unsupported message type")
        {
            Details = string.Create(CultureInfo.InvariantCulture, $"Message type '{type}' is currently not supported."),
        };

    // REVIEW: details text composed; the title is Meta's (error-codes page).
    public static GraphError RecipientIsSender() =>
        new(131021, "(#131021) Recipient cannot be sender") { Details = "Sender and recipient phone number is the same." };

    public static GraphError ThroughputReached(int httpStatus) =>
        new(130429, "(#130429) Rate limit hit") { Details = "Cloud API message throughput has been reached.", HttpStatus = httpStatus };

    public static GraphError PairRateLimitHit(int httpStatus) =>
        new(131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit")
        {
            Details = "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
            HttpStatus = httpStatus,
        };

    // REVIEW: details wording composed (fixture error.send.131030-not-in-allowed-list.json marks it uncertain).
    public static GraphError NotInAllowedList() =>
        new(131030, "(#131030) Recipient phone number not in allowed list")
        {
            Details = "Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.",
        };

    public static GraphError ReEngagement() =>
        new(131047, "(#131047) " + ReEngagementTitle) { Details = ReEngagementDetails, HttpStatus = 400 };

    /// <summary>The webhook form of an error: <c>message</c> equals the title, without the <c>(#code)</c> prefix.</summary>
    public static JsonObject WebhookError(int code, string title, string details) => new()
    {
        ["code"] = code,
        ["title"] = title,
        ["message"] = title,
        ["error_data"] = new JsonObject { ["details"] = details },
        ["href"] = Href,
    };
}
