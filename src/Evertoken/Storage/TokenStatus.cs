namespace Evertoken.Storage;

/// <summary>The health of a managed token.</summary>
public enum TokenStatus
{
    /// <summary>Not checked with Meta yet.</summary>
    Unchecked,

    /// <summary>Valid, and not close to expiry.</summary>
    Healthy,

    /// <summary>Valid, but close to expiry and not yet renewed.</summary>
    ExpiringSoon,

    /// <summary>Past its expiry.</summary>
    Expired,

    /// <summary>Meta says the token is invalid (revoked, password changed, malformed...).</summary>
    Invalid,
}
