namespace Evertoken.Tokens;

/// <summary>The outcome of one doctor check.</summary>
public enum CheckOutcome
{
    /// <summary>All good.</summary>
    Pass,

    /// <summary>Works now, but needs attention (expires soon, a user token, webhooks not subscribed...).</summary>
    Warn,

    /// <summary>Broken: fix it before relying on the token.</summary>
    Fail,

    /// <summary>Not checked (an earlier check failed, or the setting it needs was not given).</summary>
    Skipped,
}
