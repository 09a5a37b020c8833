namespace Evertoken.Emulator;

/// <summary>
/// What the emulator knows about one minted token. The value itself is not kept here (it is the key in the state),
/// so a record can be logged or printed safely.
/// </summary>
public sealed class TokenRecord
{
    private int _invalidationSubcode;

    internal TokenRecord(
        EmulatorTokenKind kind,
        EmulatorApp app,
        TokenLifetime lifetime,
        DateTimeOffset issuedAt,
        string fingerprint)
    {
        Kind = kind;
        AppId = app.Id;
        Application = app.Name;
        Lifetime = kind == EmulatorTokenKind.App ? TokenLifetime.Never : lifetime;
        IssuedAt = issuedAt;
        ExpiresAt = Lifetime.Duration is { } d ? issuedAt + d : null;
        Fingerprint = fingerprint;
    }

    /// <summary>The token kind.</summary>
    public EmulatorTokenKind Kind { get; }

    /// <summary>The app the token belongs to.</summary>
    public string AppId { get; }

    /// <summary>The app's name when the token was minted (<c>application</c> in <c>debug_token</c>).</summary>
    public string Application { get; }

    /// <summary>The lifetime it was minted with.</summary>
    public TokenLifetime Lifetime { get; }

    /// <summary>When it was minted (emulator clock).</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>When it expires; null = never.</summary>
    public DateTimeOffset? ExpiresAt { get; }

    /// <summary>The user (system user id, or app-scoped user id); null for app tokens.</summary>
    public string? UserId { get; init; }

    /// <summary>The user's display name (for <c>GET /me</c>).</summary>
    public string? UserName { get; init; }

    /// <summary>The Page id for Page tokens.</summary>
    public string? ProfileId { get; init; }

    /// <summary>The business of the system user, when known.</summary>
    public string? BusinessId { get; init; }

    /// <summary>Granted permissions.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>WABAs the grant is limited to; empty = not limited.</summary>
    public IReadOnlyList<string> WabaIds { get; init; } = [];

    /// <summary>Phone numbers the token may use; empty = not limited.</summary>
    public IReadOnlyList<string> PhoneNumberIds { get; init; } = [];

    /// <summary>A safe name for the token: first/last 4 characters and a SHA-256 prefix.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// The subcode the token was invalidated with (460, 466, 467, 458), or null while it has not been. Expiry (463) is
    /// not stored here: it follows from <see cref="ExpiresAt"/> and the clock.
    /// </summary>
    public int? InvalidationSubcode
    {
        get
        {
            var value = Volatile.Read(ref _invalidationSubcode);
            return value == 0 ? null : value;
        }
    }

    /// <summary>True when <c>debug_token</c> shows <c>issued_at</c>: every token except a short-lived user token.</summary>
    public bool ShowsIssuedAt => !Lifetime.IsShort;

    /// <summary>When the app's access to the user's data ends: 90 days after issue for user and Page tokens; null otherwise.</summary>
    public DateTimeOffset? DataAccessExpiresAt =>
        Kind is EmulatorTokenKind.User or EmulatorTokenKind.Page ? IssuedAt + TimeSpan.FromDays(90) : null;

    /// <summary>True when the token has expired at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } e && now >= e;

    /// <summary>True when the token has the permission.</summary>
    public bool HasScope(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    /// <summary>True when the grant reaches the WABA (not limited, or limited to a list that contains it).</summary>
    public bool CanReachWaba(string wabaId) => WabaIds.Count == 0 || WabaIds.Contains(wabaId, StringComparer.Ordinal);

    /// <summary>True when the grant reaches the phone number (its WABA is reachable and the number is not excluded).</summary>
    public bool CanReachPhoneNumber(string phoneNumberId, string wabaId) =>
        CanReachWaba(wabaId) && (PhoneNumberIds.Count == 0 || PhoneNumberIds.Contains(phoneNumberId, StringComparer.Ordinal));

    /// <summary>When the token was invalidated (emulator clock), or null.</summary>
    public DateTimeOffset? InvalidatedAt { get; private set; }

    internal void Invalidate(int subcode, DateTimeOffset at)
    {
        InvalidatedAt = at;
        Volatile.Write(ref _invalidationSubcode, subcode);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} token {Fingerprint} of app {AppId}";
}
