using Evertoken.Graph;

namespace Evertoken.WhatsApp;

/// <summary>
/// Maps WhatsApp Cloud API error codes to a <see cref="WhatsAppErrorKind"/>. Codes from
/// https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes (reference §3): Meta says to build
/// logic on <c>code</c> and <c>error_data.details</c>, never on the title.
/// </summary>
public static class WhatsAppErrorClassifier
{
    /// <summary>Classifies one error. <paramref name="httpStatus"/> only decides for codes not listed (5xx → transient);
    /// pass 0 for errors that came in a webhook.</summary>
    public static WhatsAppErrorKind Classify(int code, int? subcode = null, int httpStatus = 0) => code switch
    {
        131047 => WhatsAppErrorKind.OutsideCustomerServiceWindow,
        131056 => WhatsAppErrorKind.PairRateLimited,
        130429 => WhatsAppErrorKind.ThroughputLimited,
        4 or 17 or 32 or 341 or 613 or 131048 or (>= 80000 and <= 80014) => WhatsAppErrorKind.RateLimited,
        131030 or 131021 => WhatsAppErrorKind.InvalidRecipient,
        131026 => WhatsAppErrorKind.NotAWhatsAppUser,
        >= 132000 and <= 132999 => WhatsAppErrorKind.TemplateError,
        368 or 130497 => WhatsAppErrorKind.PolicyBlocked,
        131031 => WhatsAppErrorKind.AccountLocked,
        190 when subcode == 463 => WhatsAppErrorKind.TokenExpired,
        190 or 102 or 452 => WhatsAppErrorKind.TokenInvalid,
        0 when httpStatus == 401 => WhatsAppErrorKind.TokenInvalid,
        10 or 131005 or (>= 200 and <= 299) => WhatsAppErrorKind.PermissionDenied,
        1 or 2 or 131000 or 131016 or 131057 or 133004 => WhatsAppErrorKind.Transient,
        100 or 131008 or 131009 or 131051 or 135000 => WhatsAppErrorKind.InvalidParameter,
        131052 or 131053 => WhatsAppErrorKind.MediaError,
        // Code 0 with status 0 is "no answer" (GraphError.Unreachable); 429 without a code is throttling.
        0 when httpStatus == 0 => WhatsAppErrorKind.Transient,
        _ when httpStatus == 429 => WhatsAppErrorKind.RateLimited,
        _ when httpStatus >= 500 => WhatsAppErrorKind.Transient,
        _ => WhatsAppErrorKind.Unknown,
    };

    /// <summary>Classifies a <see cref="GraphError"/> returned by <see cref="CloudApiClient"/> (or any Graph call).</summary>
    public static WhatsAppErrorKind Classify(GraphError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Classify(error.Code, error.Subcode, error.HttpStatus);
    }
}
