namespace Evertoken.WhatsApp;

/// <summary>
/// What a WhatsApp Cloud API error means for a sender, decided from the Graph <c>code</c> (reference §3). It comes on
/// top of <see cref="Evertoken.Graph.GraphErrorKind"/>: read it with <c>error.WhatsAppKind</c>
/// (<see cref="WhatsAppErrorClassifier"/>).
/// </summary>
public enum WhatsAppErrorKind
{
    /// <summary>Not one of the codes below.</summary>
    Unknown,

    /// <summary>131047: more than 24 h since the user's last message; send a template instead.</summary>
    OutsideCustomerServiceWindow,

    /// <summary>131056: too many messages to the same user in a short time (about 1 per 6 s); back off for that user only.</summary>
    PairRateLimited,

    /// <summary>130429: the phone number's messages-per-second limit was hit; back off.</summary>
    ThroughputLimited,

    /// <summary>Other throttling: app or WABA request limits (4, 17, 32, 613, 80007, ...) and the spam rate limit (131048).</summary>
    RateLimited,

    /// <summary>The recipient cannot be messaged from this number: not in a test number's allowed list (131030)
    /// or the sender's own number (131021).</summary>
    InvalidRecipient,

    /// <summary>131026: undeliverable: not on WhatsApp, old client, terms not accepted, or the user blocked the business.</summary>
    NotAWhatsAppUser,

    /// <summary>132xxx: template missing, paused, disabled, or parameters that do not match it.</summary>
    TemplateError,

    /// <summary>368 (and 130497): the account is temporarily blocked for policy violations or restricted for this country.</summary>
    PolicyBlocked,

    /// <summary>131031: the business account is locked or disabled.</summary>
    AccountLocked,

    /// <summary>190 with subcode 463: the access token expired; refresh it.</summary>
    TokenExpired,

    /// <summary>190 (other subcodes), 102, 452, or an AuthException (code 0, HTTP 401): the token is not valid any more.</summary>
    TokenInvalid,

    /// <summary>10, 200-299, 131005: the token lacks a permission or the asset.</summary>
    PermissionDenied,

    /// <summary>Meta had a problem (1, 2, 131000, 131016, 131057, 133004, HTTP 5xx, no answer): retry later.</summary>
    Transient,

    /// <summary>The request is wrong (100, 131008, 131009, 131051, 135000).</summary>
    InvalidParameter,

    /// <summary>Media could not be downloaded or processed (131052, 131053).</summary>
    MediaError,
}
