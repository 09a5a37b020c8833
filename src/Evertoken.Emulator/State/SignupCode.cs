namespace Evertoken.Emulator;

/// <summary>
/// An Embedded Signup code: what the flow hands a Tech Provider, to exchange once at <c>GET /oauth/access_token</c>
/// (client_id, client_secret, code) for a business integration system-user token ("business token").
/// https://developers.facebook.com/docs/whatsapp/embedded-signup/onboarding-customers-as-a-tech-provider
/// </summary>
public sealed record SignupCode
{
    /// <summary>The code value.</summary>
    public required string Code { get; init; }

    /// <summary>The app that ran the flow.</summary>
    public required string AppId { get; init; }

    /// <summary>The customer's business.</summary>
    public string? BusinessId { get; init; }

    /// <summary>The WABAs the customer shared (the business token's targets).</summary>
    public IReadOnlyList<string> WabaIds { get; init; } = [];

    /// <summary>The permissions granted. Default the two WhatsApp permissions.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = ["whatsapp_business_management", "whatsapp_business_messaging"];

    /// <summary>When the code stops being accepted. Codes are short-lived; the emulator gives 10 minutes.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"signup code for app {AppId}";
}
