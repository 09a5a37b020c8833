using System.Globalization;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Meta's webhook envelope (reference whatsapp-cloud-api.md §5.3, fixtures webhook.*.json), key order as in the
/// fixtures: <c>{object, entry[{id, changes[{value{messaging_product, metadata, ...}, field}]}]}</c>.
/// </summary>
internal static class WebhookPayloads
{
    /// <summary>A <c>messages</c>-field webhook for a WABA and number; <paramref name="fill"/> adds contacts, messages or statuses.</summary>
    public static JsonObject Envelope(string wabaId, EmulatorPhoneNumber number, Action<JsonObject> fill)
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            // The metadata number is digits only (fixtures: "15550783881"), unlike the formatted display number.
            ["metadata"] = new JsonObject { ["display_phone_number"] = Digits(number.DisplayPhoneNumber), ["phone_number_id"] = number.Id },
        };
        fill(value);
        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = wabaId,
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
            }),
        };
    }

    /// <summary>Unix seconds as a string, as webhooks carry them.</summary>
    public static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>The digits of a phone number (<c>+1 555-0100</c> → <c>15550100</c>).</summary>
    public static string Digits(string text) => string.Concat(text.Where(char.IsAsciiDigit));
}
