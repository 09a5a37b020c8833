namespace Evertoken.Emulator;

/// <summary>
/// A WhatsApp business phone number. Field names and values follow <c>GET /{phone-number-id}</c> and
/// <c>GET /{waba-id}/phone_numbers</c> (reference whatsapp-cloud-api.md §6).
/// </summary>
public sealed record EmulatorPhoneNumber
{
    /// <summary>The phone number id.</summary>
    public required string Id { get; init; }

    /// <summary>The WABA the number belongs to.</summary>
    public required string WabaId { get; init; }

    /// <summary>The number as shown, e.g. <c>+1 555-0100</c>.</summary>
    public required string DisplayPhoneNumber { get; init; }

    /// <summary>The approved display name.</summary>
    public string VerifiedName { get; init; } = "Evertoken Sample";

    /// <summary><c>GREEN</c>, <c>YELLOW</c>, <c>RED</c> or <c>UNKNOWN</c>. Default GREEN.</summary>
    public string QualityRating { get; init; } = "GREEN";

    /// <summary>Display-name review status. Default APPROVED.</summary>
    public string NameStatus { get; init; } = "APPROVED";

    /// <summary>Default VERIFIED.</summary>
    public string CodeVerificationStatus { get; init; } = "VERIFIED";

    /// <summary>Default CONNECTED.</summary>
    public string Status { get; init; } = "CONNECTED";

    /// <summary>Default CLOUD_API.</summary>
    public string PlatformType { get; init; } = "CLOUD_API";

    /// <summary>Default STANDARD.</summary>
    public string ThroughputLevel { get; init; } = "STANDARD";

    /// <summary>Default TIER_1K.</summary>
    public string MessagingLimitTier { get; init; } = "TIER_1K";

    /// <summary><c>LIVE</c> or <c>SANDBOX</c>. Default LIVE.</summary>
    public string AccountMode { get; init; } = "LIVE";

    /// <summary>Default US.</summary>
    public string CountryCode { get; init; } = "US";

    /// <summary>Default 1.</summary>
    public string CountryDialCode { get; init; } = "1";

    /// <summary>Default APPROVED.</summary>
    public string UnifiedCertStatus { get; init; } = "APPROVED";

    /// <summary>Default false.</summary>
    public bool IsOfficialBusinessAccount { get; init; }

    /// <summary>The business username, if any. Default null.</summary>
    public string? Username { get; init; }
}
