namespace Evertoken.Alerts;

/// <summary>Whose problem it is: told apart so the message says "fix your setup" or "Meta is down, we keep trying".</summary>
public enum AlertCause
{
    /// <summary>Not applicable.</summary>
    None,

    /// <summary>The setup: a revoked or expired token, a wrong app secret, a missing permission, a bad sink credential.</summary>
    Credential,

    /// <summary>An outage or throttling on the other side; retried automatically.</summary>
    Outage,
}
