namespace Evertoken.Tokens;

/// <summary>What the refresh policy says to do with a token now.</summary>
public enum RefreshAction
{
    /// <summary>Nothing yet; see <see cref="RefreshDecision.NextAt"/>.</summary>
    Wait,

    /// <summary>Ask Meta (debug_token) about it.</summary>
    Check,

    /// <summary>Renew it (exchange a user token, refresh a 60-day system-user token).</summary>
    Renew,
}
