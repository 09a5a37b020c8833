namespace Evertoken.Tokens;

/// <summary>When tokens are renewed and checked. Every default is chosen to survive a long Meta outage.</summary>
public sealed class RefreshPolicyOptions
{
    /// <summary>Renew a 60-day token when this much time is left. Default 20 days, so a two-week outage still leaves time.</summary>
    public TimeSpan RenewWhenLeft { get; set; } = TimeSpan.FromDays(20);

    /// <summary>Never renew later than this before expiry; inside it, <see cref="ITokenKeeper.GetAsync"/> renews inline.
    /// Default 1 day.</summary>
    public TimeSpan HardMargin { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Random spread added before <see cref="RenewWhenLeft"/>, so many tokens (or instances) do not renew at once. Default 6 hours.</summary>
    public TimeSpan Jitter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often a never-expiring token is checked with debug_token (catches revocation). Default 1 hour.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A token expiring within this window with no successful renewal raises an <c>ExpiringSoon</c> alert. Default 7 days.</summary>
    public TimeSpan AlertWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>First retry delay after a failed refresh or check. Default 1 minute; doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest retry delay. Default 1 hour.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the old 60-day system-user token keeps working after a rotation before Evertoken revokes it
    /// (Meta's refresh → deploy → revoke). Default 1 hour; <see cref="TimeSpan.Zero"/> revokes at the next worker pass;
    /// null never revokes.</summary>
    public TimeSpan? RevokeGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>User tokens with less than this lifetime are short-lived and exchanged at once. Default 1 day.</summary>
    public TimeSpan ShortLivedThreshold { get; set; } = TimeSpan.FromDays(1);
}
