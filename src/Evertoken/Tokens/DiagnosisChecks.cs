namespace Evertoken.Tokens;

/// <summary>The stable ids of the doctor's checks, in setup order.</summary>
public static class DiagnosisChecks
{
    /// <summary>The Graph API answered.</summary>
    public const string GraphReachable = "graph.reachable";

    /// <summary>The app secret is right (client_credentials works).</summary>
    public const string AppSecret = "app.secret";

    /// <summary>debug_token says the token is valid.</summary>
    public const string Valid = "token.valid";

    /// <summary>The token belongs to the configured app.</summary>
    public const string App = "token.app";

    /// <summary>The token is a system-user token.</summary>
    public const string Kind = "token.kind";

    /// <summary>The token does not expire soon.</summary>
    public const string Expiry = "token.expiry";

    /// <summary>The data-access window is not about to close.</summary>
    public const string DataAccess = "token.data_access";

    /// <summary><c>whatsapp_business_messaging</c> granted.</summary>
    public const string ScopeMessaging = "scope.whatsapp_business_messaging";

    /// <summary><c>whatsapp_business_management</c> granted.</summary>
    public const string ScopeManagement = "scope.whatsapp_business_management";

    /// <summary><c>business_management</c> granted (only when asked for).</summary>
    public const string ScopeBusiness = "scope.business_management";

    /// <summary>The WhatsApp business account is reachable with the token.</summary>
    public const string Waba = "whatsapp.account";

    /// <summary>The configured phone number is reachable with the token.</summary>
    public const string PhoneNumber = "whatsapp.phone_number";

    /// <summary>The app is subscribed to the account's webhooks.</summary>
    public const string Webhooks = "whatsapp.webhooks";
}
