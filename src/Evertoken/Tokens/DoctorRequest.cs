namespace Evertoken.Tokens;

/// <summary>What to diagnose: the token and, when known, the app and the WhatsApp number it is used with.</summary>
public sealed record DoctorRequest
{
    /// <summary>The token to diagnose.</summary>
    public required string Token { get; init; }

    /// <summary>The Meta app id (<c>APP_ID</c>), when known.</summary>
    public string? AppId { get; init; }

    /// <summary>The app secret (<c>APP_SECRET</c>), when known; enables the secret check and <c>appsecret_proof</c>.</summary>
    public string? AppSecret { get; init; }

    /// <summary>The WhatsApp phone number id (<c>WHATSAPP_PHONE_NUMBER_ID</c>), when known.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The WhatsApp business account id, when known; otherwise taken from the token's granular scopes.</summary>
    public string? WabaId { get; init; }

    /// <summary>Also require <c>business_management</c> (needed to manage system users through the API). Default false.</summary>
    public bool RequireBusinessManagement { get; init; }

    /// <summary>Also check the WhatsApp account, phone number and webhook subscription. Default true; <c>inspect</c> turns it off.</summary>
    public bool CheckWhatsApp { get; init; } = true;

    /// <summary>Warn when fewer than this many days are left. Default 20 days.</summary>
    public TimeSpan ExpiryWarning { get; init; } = TimeSpan.FromDays(20);

    /// <inheritdoc />
    public override string ToString() => $"DoctorRequest {{ Token = {TokenFingerprint.Of(Token)}, AppId = {AppId}, PhoneNumberId = {PhoneNumberId}, WabaId = {WabaId} }}";
}
