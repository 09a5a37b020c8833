namespace Evertoken.Emulator;

/// <summary>What to mint with <see cref="EmulatorState.MintToken"/>.</summary>
public sealed record TokenSpec
{
    /// <summary>The app the token belongs to (must exist in the state).</summary>
    public required string AppId { get; init; }

    /// <summary>The token kind. Default <see cref="EmulatorTokenKind.SystemUser"/>.</summary>
    public EmulatorTokenKind Kind { get; init; } = EmulatorTokenKind.SystemUser;

    /// <summary>How long it lives. Default <see cref="TokenLifetime.Never"/>. Ignored for app tokens (they never expire).</summary>
    public TokenLifetime Lifetime { get; init; } = TokenLifetime.Never;

    /// <summary>Granted permissions, e.g. <c>whatsapp_business_management</c>. Default none.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>
    /// The WhatsApp Business Accounts the grant is limited to (the <c>target_ids</c> of the WhatsApp granular scopes).
    /// Null or empty = not limited (every WABA is reachable). Default null.
    /// </summary>
    public IReadOnlyList<string>? WabaIds { get; init; }

    /// <summary>The phone numbers the token may use. Null or empty = every number of a reachable WABA. Default null.</summary>
    public IReadOnlyList<string>? PhoneNumberIds { get; init; }

    /// <summary>
    /// The user behind the token: a system user id for <see cref="EmulatorTokenKind.SystemUser"/> (its name and business
    /// are taken from the state when it exists), an app-scoped user id otherwise. Generated when null.
    /// </summary>
    public string? UserId { get; init; }

    /// <summary>The user's display name for <c>GET /me</c>. Default: the system user's name, or "Sample User".</summary>
    public string? UserName { get; init; }

    /// <summary>For <see cref="EmulatorTokenKind.Page"/>: the Page id (<c>profile_id</c>). Generated when null.</summary>
    public string? ProfileId { get; init; }
}
