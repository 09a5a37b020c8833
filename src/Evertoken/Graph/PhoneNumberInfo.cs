using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>
/// A WhatsApp business phone number, as <c>GET /{phone-number-id}</c> and <c>GET /{waba-id}/phone_numbers</c> return it
/// (whatsapp-cloud-api.md §6). Only <see cref="Id"/> is always present; the rest is null when Meta leaves it out.
/// </summary>
public sealed record PhoneNumberInfo
{
    /// <summary><c>id</c>: the phone number id used in <c>/{phone-number-id}/messages</c>.</summary>
    [JsonPropertyName("id")]
    public string Id { get; init; } = "";

    /// <summary><c>display_phone_number</c>, e.g. <c>+1 555-555-5555</c>.</summary>
    [JsonPropertyName("display_phone_number")]
    public string? DisplayPhoneNumber { get; init; }

    /// <summary><c>verified_name</c>: the display name shown to customers.</summary>
    [JsonPropertyName("verified_name")]
    public string? VerifiedName { get; init; }

    /// <summary><c>quality_rating</c>: <c>GREEN</c>, <c>YELLOW</c>, <c>RED</c> or <c>UNKNOWN</c>.</summary>
    [JsonPropertyName("quality_rating")]
    public string? QualityRating { get; init; }

    /// <summary><c>code_verification_status</c>, e.g. <c>VERIFIED</c> or <c>NOT_VERIFIED</c>.</summary>
    [JsonPropertyName("code_verification_status")]
    public string? CodeVerificationStatus { get; init; }

    /// <summary><c>name_status</c>: <c>APPROVED</c>, <c>AVAILABLE_WITHOUT_REVIEW</c>, <c>DECLINED</c>, <c>EXPIRED</c>,
    /// <c>PENDING_REVIEW</c> or <c>NONE</c>.</summary>
    [JsonPropertyName("name_status")]
    public string? NameStatus { get; init; }

    /// <summary><c>status</c>, e.g. <c>CONNECTED</c>, <c>LINKED</c> or <c>PENDING</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary><c>platform_type</c>, e.g. <c>CLOUD_API</c>.</summary>
    [JsonPropertyName("platform_type")]
    public string? PlatformType { get; init; }

    /// <summary><c>host_platform</c>, e.g. <c>CLOUD_API</c>.</summary>
    [JsonPropertyName("host_platform")]
    public string? HostPlatform { get; init; }

    /// <summary><c>account_mode</c>: <c>LIVE</c> or <c>SANDBOX</c>.</summary>
    [JsonPropertyName("account_mode")]
    public string? AccountMode { get; init; }

    /// <summary><c>messaging_limit_tier</c>, e.g. <c>TIER_1K</c> (deprecated by Meta, still returned).</summary>
    [JsonPropertyName("messaging_limit_tier")]
    public string? MessagingLimitTier { get; init; }

    /// <summary><c>country_code</c>, e.g. <c>US</c>.</summary>
    [JsonPropertyName("country_code")]
    public string? CountryCode { get; init; }

    /// <summary><c>country_dial_code</c>, e.g. <c>1</c>.</summary>
    [JsonPropertyName("country_dial_code")]
    public string? CountryDialCode { get; init; }

    /// <summary><c>unified_cert_status</c>, e.g. <c>APPROVED</c>.</summary>
    [JsonPropertyName("unified_cert_status")]
    public string? UnifiedCertStatus { get; init; }

    /// <summary><c>is_official_business_account</c>.</summary>
    [JsonPropertyName("is_official_business_account")]
    public bool? IsOfficialBusinessAccount { get; init; }

    /// <summary><c>username</c>: the business username, when one is set.</summary>
    [JsonPropertyName("username")]
    public string? Username { get; init; }
}
