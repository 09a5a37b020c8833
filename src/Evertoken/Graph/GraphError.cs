using System.Text.Json.Serialization;

namespace Evertoken.Graph;

/// <summary>
/// One error from the Graph API, as Meta sends it in <c>{"error":{...}}</c>, plus the HTTP status and the
/// <see cref="GraphErrorKind"/> it was classified as. Meta's messages never carry token values, so
/// <see cref="Message"/> is safe to log.
/// </summary>
public sealed record GraphError
{
    /// <summary>Graph <c>code</c>, e.g. 190. 0 when Meta could not be reached.</summary>
    public int Code { get; init; }

    /// <summary>Graph <c>error_subcode</c> (or <c>subcode</c> inside debug_token), e.g. 463.</summary>
    public int? Subcode { get; init; }

    /// <summary>Graph <c>type</c>, e.g. <c>OAuthException</c> or <c>GraphMethodException</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Graph <c>message</c>.</summary>
    public string Message { get; init; } = "";

    /// <summary>Graph <c>fbtrace_id</c>, useful when talking to Meta support.</summary>
    public string? FbTraceId { get; init; }

    /// <summary>Graph <c>is_transient</c>.</summary>
    public bool IsTransient { get; init; }

    /// <summary>Graph <c>error_user_title</c>.</summary>
    public string? UserTitle { get; init; }

    /// <summary>Graph <c>error_user_msg</c>.</summary>
    public string? UserMessage { get; init; }

    /// <summary>WhatsApp <c>error_data.details</c>, when present.</summary>
    public string? Details { get; init; }

    /// <summary>The HTTP status of the response; 0 when there was no response.</summary>
    public int HttpStatus { get; init; }

    /// <summary>What the failure means, see <see cref="GraphErrorKind"/>.</summary>
    public GraphErrorKind Kind { get; init; }

    /// <summary>Builds an error and classifies it.</summary>
    public static GraphError From(int code, int? subcode, string message, int httpStatus, string? type = null,
        string? fbTraceId = null, bool isTransient = false, string? details = null, string? userTitle = null, string? userMessage = null) =>
        new()
        {
            Code = code,
            Subcode = subcode,
            Message = message,
            HttpStatus = httpStatus,
            Type = type,
            FbTraceId = fbTraceId,
            IsTransient = isTransient,
            Details = details,
            UserTitle = userTitle,
            UserMessage = userMessage,
            Kind = GraphErrorClassifier.Classify(code, subcode, type, message, httpStatus),
        };

    /// <summary>An error for a call that never got an answer (DNS, refused connection, timeout).</summary>
    public static GraphError Unreachable(string message) =>
        new() { Code = 0, Message = message, HttpStatus = 0, Kind = GraphErrorKind.Transient, IsTransient = true };

    /// <summary>True when the token itself is no good any more (<see cref="GraphErrorKind.Expired"/> or
    /// <see cref="GraphErrorKind.Invalidated"/>): a refresh or a new token is needed, retrying will not help.</summary>
    [JsonIgnore]
    public bool IsTokenProblem => Kind is GraphErrorKind.Expired or GraphErrorKind.Invalidated;

    /// <summary>True when retrying later may succeed (outage or throttling).</summary>
    [JsonIgnore]
    public bool IsRetryable => Kind is GraphErrorKind.Transient or GraphErrorKind.RateLimited;

    /// <inheritdoc />
    public override string ToString() =>
        Subcode is { } s ? $"Graph error {Code}/{s} ({Kind}): {Message}" : $"Graph error {Code} ({Kind}): {Message}";
}
