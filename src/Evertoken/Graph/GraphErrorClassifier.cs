namespace Evertoken.Graph;

/// <summary>
/// Maps Graph <c>code</c> / <c>error_subcode</c> to a <see cref="GraphErrorKind"/>.
/// Codes from https://developers.facebook.com/docs/graph-api/guides/error-handling and
/// https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes (see shared reference §6 / §3).
/// </summary>
public static class GraphErrorClassifier
{
    /// <summary>Classifies one error. The HTTP status only decides for errors without a Graph code.</summary>
    public static GraphErrorKind Classify(int code, int? subcode, string? type, string? message, int httpStatus)
    {
        switch (code)
        {
            case 190 when subcode == 463:
                return GraphErrorKind.Expired;
            case 190 or 102 or 452:
                return GraphErrorKind.Invalidated;
            case 0 when httpStatus is 401:
                // WhatsApp's "AuthException" (code 0): the token could not be authenticated.
                return GraphErrorKind.Invalidated;
            case 1 when message is not null && message.Contains("client secret", StringComparison.OrdinalIgnoreCase):
                return GraphErrorKind.BadAppSecret;
            case 101:
                return GraphErrorKind.BadAppSecret;
            case 100 when message is not null && message.Contains("appsecret_proof", StringComparison.OrdinalIgnoreCase):
                return GraphErrorKind.BadAppSecret;
            case 10 or 3 or 3962 or 131005 or (>= 200 and <= 299):
                return GraphErrorKind.PermissionMissing;
            case 4 or 17 or 32 or 341 or 613 or 130429 or 131048 or 131056 or (>= 80000 and <= 80014):
                return GraphErrorKind.RateLimited;
            case 1 or 2 or 131000 or 131016 or 131057 or 133004:
                return GraphErrorKind.Transient;
            case 0 when httpStatus is 0 or >= 500 or 429:
                return httpStatus == 429 ? GraphErrorKind.RateLimited : GraphErrorKind.Transient;
            case 0 when httpStatus >= 400:
                return GraphErrorKind.BadRequest;
            default:
                return GraphErrorKind.BadRequest;
        }
    }
}
