using System.Globalization;
using System.Text.Json.Nodes;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Every Graph error the emulator sends, with Meta's texts (reference graph-tokens.md §1, §2, §5, §6 and the fixtures
/// under fixtures/graph), and the envelope writer.
/// </summary>
internal static class GraphErrors
{
    public const string OAuth = "OAuthException";
    public const string GraphMethod = "GraphMethodException";

    // --- Token validation (code 190; data.error in debug_token) -----------------------------------------------------
    public const string CannotParseMessage = "Invalid OAuth access token - Cannot parse access token";
    public const string CouldNotDecryptMessage = "The access token could not be decrypted";
    public const string InvalidSignatureMessage = "Invalid OAuth access token signature.";
    public const string CannotGetAppInfoMessage = "Error validating application. Cannot get application info due to a system error.";

    public static string InvalidationMessage(int subcode, TokenRecord record, DateTimeOffset? expiredAt, DateTimeOffset now) => subcode switch
    {
        460 => "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
        463 => $"Error validating access token: Session has expired on {PacificTime.Format(expiredAt ?? now)}. The current time is {PacificTime.Format(now)}.",
        466 => "Error validating access token: The session was invalidated explicitly using an API call.",
        // The doc names 467 "Invalid Access Token"; the logged-out text is the one widely seen (reference §6, unconfirmed pairing).
        467 => "Error validating access token: The session is invalid because the user logged out.",
        458 => $"Error validating access token: User {record.UserId} has not authorized application {record.AppId}.",
        _ => "Error validating access token: The session has been invalidated.",
    };

    public static readonly IReadOnlySet<int> InvalidationSubcodes = new HashSet<int> { 458, 460, 463, 466, 467 };

    // --- Top-level errors ---------------------------------------------------------------------------------------------
    public static GraphError NoAppTokenForDebug() =>
        new(100, "(#100) You must provide an app access token, or a user access token that is an owner or developer of the app");

    // REVIEW: widely repeated text with no primary source (reference §1, "different app"); kept until a capture turns up.
    public static GraphError AppMismatch() => new(100, "(#100) The App_id in the input_token did not match the Viewing App");

    // Graph's usual answer when no token at all comes with a call that needs one (WhatsApp OpenAPI example: code 104).
    public static GraphError TokenRequired() => new(104, "An access token is required to request this resource.");

    public static GraphError MissingParameter(string name) => new(100, $"(#100) The parameter {name} is required");

    public static GraphError InvalidParameter(string message) => new(100, message.StartsWith("(#", StringComparison.Ordinal) ? message : "(#100) " + message);

    public static GraphError ProofRequired() =>
        new(100, "API calls from the server require an appsecret_proof argument") { Type = GraphMethod };

    public static GraphError ProofInvalid() =>
        new(100, "Invalid appsecret_proof provided in the API argument") { Type = GraphMethod };

    public static GraphError InvalidClientSecret() => new(1, "Error validating client secret.") { HttpStatus = 400 };

    public static GraphError MissingClientId() => new(101, "Missing client_id parameter.");

    public static GraphError InvalidClientId() => new(101, "Invalid Client ID");

    // "Invalid verification code format." with code 100 is what Facebook answers for a bad code
    // (observed: github.com/st4lk/django-rest-social-auth/issues/50, 2017).
    public static GraphError InvalidCode() => new(100, "Invalid verification code format.");

    // REVIEW: Facebook's text for a code used twice, as commonly reported; subcode 36009 unconfirmed.
    public static GraphError CodeUsed() => new(100, "This authorization code has been used.") { Subcode = 36009 };

    public static GraphError PermissionsError() => new(200, "(#200) Permissions error");

    // An id the caller cannot see, or that does not exist, or a wrong verb: code 100 subcode 33, GraphMethodException,
    // HTTP 400 (observed: github.com/roughike/flutter_facebook_login/issues/44,
    // github.com/sajuthankappan/whatsapp-cloud-api-rs/issues/3).
    public static GraphError UnsupportedRequest(string method, string id) =>
        new(100, $"Unsupported {method.ToLowerInvariant()} request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api")
        {
            Type = GraphMethod,
            Subcode = 33,
        };

    public static GraphError NonexistingField(string field, string nodeType) =>
        new(100, $"(#100) Tried accessing nonexisting field ({field}) on node type ({nodeType})");

    // GET /me with an app token.
    public static GraphError ActiveTokenRequired() =>
        new(2500, "An active access token must be used to query information about the current user.");

    /// <summary>Meta's usual text for a code, for faults that give only a code.</summary>
    public static string DefaultMessage(int code) => code switch
    {
        1 => "An unknown error has occurred.",
        2 => "An unexpected error has occurred. Please retry your request later.",
        4 => "(#4) Application request limit reached",
        10 => "(#10) Application does not have permission for this action",
        17 => "(#17) User request limit reached",
        32 => "(#32) Page request limit reached",
        100 => "(#100) Invalid parameter",
        190 => "Invalid OAuth access token.",
        200 => "(#200) Permissions error",
        368 => "(#368) The action attempted has been deemed abusive or is otherwise disallowed",
        613 => "(#613) Calls to this api have exceeded the rate limit.",
        80001 => "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        80007 => "(#80007) Rate limit issues",
        80008 => "(#80008) There have been too many calls to this WhatsApp Business account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        _ => $"(#{code.ToString(CultureInfo.InvariantCulture)}) An error occurred",
    };

    /// <summary>Codes Meta marks <c>is_transient: true</c> (throttles and the transient service error).</summary>
    public static bool IsTransientCode(int code) => code is 2 or 4 or 17 or 32 or 613 || code is >= 80000 and <= 80014;

    /// <summary>
    /// The HTTP status for a code (reference §6): 190/104 → the setting (400 by default); 200-299, 4, 10 → 403
    /// (observed); 17, 32, 613, 80000-80014 → 403 (unconfirmed, 403 or 400); 2 → 500 (unconfirmed); others → 400.
    /// </summary>
    public static int StatusFor(GraphError error, EmulatorSettings settings)
    {
        if (error.HttpStatus is { } explicitStatus)
        {
            return explicitStatus;
        }

        return error.Code switch
        {
            190 or 102 or 104 => settings.TokenErrorHttpStatus,
            >= 200 and <= 299 or 4 or 10 or 17 or 32 or 613 => 403,
            >= 80000 and <= 80014 => 403,
            2 => 500,
            _ => 400,
        };
    }

    /// <summary>Builds the envelope body in Meta's key order: message, type, is_transient?, code, error_data?, error_subcode?, fbtrace_id.</summary>
    public static JsonObject Envelope(GraphError error, string traceId)
    {
        // Observed order (fixtures error-4-app-rate-limit, error-2-transient): is_transient comes before code.
        var body = new JsonObject
        {
            ["message"] = error.Message,
            ["type"] = error.Type,
        };
        if (error.IsTransient is { } transient)
        {
            body["is_transient"] = transient;
        }

        body["code"] = error.Code;
        if (error.Details is { } details)
        {
            // WhatsApp order (fixtures error.send.*): code, error_data, then error_subcode and fbtrace_id.
            body["error_data"] = new JsonObject { ["messaging_product"] = "whatsapp", ["details"] = details };
        }

        if (error.Subcode is { } subcode)
        {
            body["error_subcode"] = subcode;
        }

        body["fbtrace_id"] = traceId;
        return new JsonObject { ["error"] = body };
    }

    /// <summary>The result that writes the envelope with Meta's headers.</summary>
    public static IResult Result(GraphError error, EmulatorSettings settings) => new GraphErrorResult(error, StatusFor(error, settings));

    private sealed class GraphErrorResult(GraphError error, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var traceId = RandomText.TraceId();
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers["x-fb-trace-id"] = traceId;
            response.Headers.CacheControl = "no-store";
            response.Headers.Pragma = "no-cache";
            response.Headers.Expires = "Sat, 01 Jan 2000 00:00:00 GMT";

            // Observed on 190 errors: WWW-Authenticate: OAuth "Facebook Platform" "invalid_token" "<message>"; other
            // errors carry the "invalid_request" variant (reference §6).
            var kind = error.Code == 190 ? "invalid_token" : "invalid_request";
            response.Headers.WWWAuthenticate = $"OAuth \"Facebook Platform\" \"{kind}\" \"{error.Message.Replace("\"", "'", StringComparison.Ordinal)}\"";
            response.ContentType = "application/json; charset=UTF-8";
            await response.WriteAsync(Envelope(error, traceId).ToJsonString(), httpContext.RequestAborted);
        }
    }
}
