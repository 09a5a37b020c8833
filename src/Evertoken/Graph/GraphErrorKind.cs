namespace Evertoken.Graph;

/// <summary>
/// What a Graph failure means for the caller, decided from <c>code</c> and <c>error_subcode</c>
/// (never from the HTTP status alone: Meta's own references disagree on 400 vs 401 for code 190).
/// </summary>
public enum GraphErrorKind
{
    /// <summary>The token's lifetime ended (190 / subcode 463).</summary>
    Expired,

    /// <summary>The token was invalidated: password change (460), explicit revoke (466), logout (467),
    /// app not authorised (458), a malformed or undecryptable token (190 without subcode), session errors (102, 452).</summary>
    Invalidated,

    /// <summary>The token works but lacks a permission or an asset (10, 200-299, 3962, 131005).</summary>
    PermissionMissing,

    /// <summary>Throttled (4, 17, 32, 341, 613, 80000-80014, 130429, 131048, 131056): back off and retry later.</summary>
    RateLimited,

    /// <summary>Meta had a problem or could not be reached (1, 2, 5xx, timeouts, 131000, 131016, 133004): retry later.</summary>
    Transient,

    /// <summary>The request itself is wrong (100 and everything else not listed).</summary>
    BadRequest,

    /// <summary>The app credentials are wrong: bad client secret (code 1 on oauth), bad client id (101),
    /// missing or invalid <c>appsecret_proof</c> (100 with GraphMethodException).</summary>
    BadAppSecret,
}
