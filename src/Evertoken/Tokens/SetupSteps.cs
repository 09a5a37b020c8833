namespace Evertoken.Tokens;

/// <summary>The fixes the doctor prescribes, in the words and order of Meta Business Settings.</summary>
internal static class SetupSteps
{
    public const string SystemUsersPage = "https://business.facebook.com/settings/system-users";
    public const string WhatsAppAccountsPage = "https://business.facebook.com/settings/whatsapp-business-accounts";
    public const string AppSettingsPage = "https://developers.facebook.com/apps/";
    public const string AccessTokenDebugger = "https://developers.facebook.com/tools/debug/accesstoken/";

    public const string CreateSystemUserToken =
        "Create a system-user token: Business Settings → Users → System users → Add (role Admin). " +
        "Select the system user → Assign assets → Apps → your app, Full control; WhatsApp accounts → your account, Full control. " +
        "Then Generate new token → your app → expiry 60 days (recommended) → permissions whatsapp_business_messaging and " +
        "whatsapp_business_management. Or let Evertoken do it through the API: `evertoken system-user token` with an admin token and the app secret.";

    public const string AddPermissions =
        "Generate a new token with the missing permission: Business Settings → Users → System users → select the system user → " +
        "Generate new token → tick whatsapp_business_messaging and whatsapp_business_management.";

    public const string AssignWaba =
        "Give the system user the WhatsApp account: Business Settings → Accounts → WhatsApp accounts → select the account → " +
        "Assign people (or System users) → the system user, Full control. Then generate a new token so it covers the account.";

    public const string ManageWithEvertoken =
        "Register it with Evertoken (`evertoken token add`) so it is renewed before it expires and pushed to your apps.";
}
