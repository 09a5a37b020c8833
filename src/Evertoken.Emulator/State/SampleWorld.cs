using System.Globalization;
using System.Text;

namespace Evertoken.Emulator;

/// <summary>
/// The world seeded at start (<see cref="EmulatorState.SeedSample"/>): one app installed for an admin system user,
/// a WABA with one phone number and the app subscribed to it, a second WABA nothing else reaches, and one token of
/// each kind. The tokens are the emulator's own fake values: printing them (the sandbox does) leaks nothing real,
/// but <see cref="ToString"/> still leaves them out.
/// </summary>
public sealed record SampleWorld
{
    /// <summary>The app id.</summary>
    public required string AppId { get; init; }

    /// <summary>The app secret.</summary>
    public required string AppSecret { get; init; }

    /// <summary>The app name, "Evertoken Sample App".</summary>
    public required string AppName { get; init; }

    /// <summary>The business id.</summary>
    public required string BusinessId { get; init; }

    /// <summary>The admin system user (the app is installed for it).</summary>
    public required string SystemUserId { get; init; }

    /// <summary>The WABA with the phone number.</summary>
    public required string WabaId { get; init; }

    /// <summary>The phone number id.</summary>
    public required string PhoneNumberId { get; init; }

    /// <summary>The display number, "+1 555-0100".</summary>
    public required string DisplayPhoneNumber { get; init; }

    /// <summary>A second WABA of the business, the target of <see cref="OtherWabaToken"/>.</summary>
    public required string OtherWabaId { get; init; }

    /// <summary>System-user token that never expires (both WhatsApp permissions, no target limit).</summary>
    public required string SystemUserToken { get; init; }

    /// <summary>System-user token valid 60 days.</summary>
    public required string SystemUserToken60Days { get; init; }

    /// <summary>Short-lived user token (2 hours).</summary>
    public required string UserTokenShortLived { get; init; }

    /// <summary>60-day user token.</summary>
    public required string UserToken60Days { get; init; }

    /// <summary>App token <c>{app-id}|{opaque}</c>.</summary>
    public required string AppToken { get; init; }

    /// <summary>System-user token with <c>whatsapp_business_management</c> only (no <c>whatsapp_business_messaging</c>).</summary>
    public required string TokenWithoutMessaging { get; init; }

    /// <summary>System-user token limited to <see cref="OtherWabaId"/>: it cannot reach <see cref="WabaId"/>.</summary>
    public required string OtherWabaToken { get; init; }

    /// <summary>A readable listing of ids and tokens for the console (contains the fake token values).</summary>
    public string Describe(Uri? baseUrl = null)
    {
        var text = new StringBuilder();
        void Line(string name, string value) => text.Append(CultureInfo.InvariantCulture, $"  {name,-26} {value}\n");
        text.Append("Evertoken emulator sample world\n");
        if (baseUrl is not null)
        {
            Line("graph base url", baseUrl.ToString());
        }

        Line("app id", AppId);
        Line("app secret", AppSecret);
        Line("app name", AppName);
        Line("business id", BusinessId);
        Line("system user id", SystemUserId);
        Line("waba id", WabaId);
        Line("phone number id", $"{PhoneNumberId} ({DisplayPhoneNumber})");
        Line("other waba id", OtherWabaId);
        Line("system user (never)", SystemUserToken);
        Line("system user (60 days)", SystemUserToken60Days);
        Line("user (short-lived)", UserTokenShortLived);
        Line("user (60 days)", UserToken60Days);
        Line("app token", AppToken);
        Line("no messaging permission", TokenWithoutMessaging);
        Line("other waba only", OtherWabaToken);
        return text.ToString();
    }

    /// <summary>Ids only; token values are left out.</summary>
    public override string ToString() => $"sample world: app {AppId}, business {BusinessId}, WABA {WabaId}, phone number {PhoneNumberId}";
}
