namespace Evertoken.Alerts;

/// <summary>What an alert is about.</summary>
public enum AlertKind
{
    /// <summary>The token expires within the warning window and no refresh has succeeded.</summary>
    ExpiringSoon,

    /// <summary>A refresh failed (see <see cref="Alert.Cause"/>: a credential problem or an outage).</summary>
    RefreshFailed,

    /// <summary>Meta says the token is invalid (revoked, password changed, expired).</summary>
    Invalidated,

    /// <summary>A sink could not be updated with the new token.</summary>
    SinkFailed,

    /// <summary>Something that failed works again.</summary>
    Recovered,
}
