using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Evertoken.Graph;
using Evertoken.Server.Auth;
using Evertoken.WhatsApp;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Evertoken.Server.Api;

/// <summary>
/// <c>POST /v1/messages</c>: sends a WhatsApp message with a managed token (client key with <c>send</c>, or the admin).
/// The token is refreshed and the call retried once if Meta rejects it; a number at its throughput limit answers 429
/// from us (with Retry-After) before Meta would. Meta's errors come back as ProblemDetails whose extensions carry
/// <c>code</c>, <c>subcode</c>, <c>whatsapp_kind</c>, <c>details</c> and <c>fbtrace_id</c>.
/// </summary>
public static class MessagesApi
{
    /// <summary>Maps the group.</summary>
    public static RouteGroupBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/messages").WithTags("Messages").RequireAuthorization(EvertokenAuth.SendPolicy);
        group.MapPost("/", SendAsync);
        return group;
    }

    private static async Task<Results<Ok<MessageSent>, ValidationProblem, ProblemHttpResult>> SendAsync(
        JsonElement body, HttpContext http, ClaimsPrincipal user, TokenDirectory directory, ManagedCloudApiClient sender, CancellationToken ct)
    {
        var request = MessageRequestReader.Read(body);
        var problems = request.Problems;
        var tokens = await directory.GetAsync(reload: false, ct);
        var tokenName = request.Token ?? user.SingleToken();
        if (tokenName is null && user.IsInRole(EvertokenAuth.AdminRole) && tokens.Count == 1)
        {
            tokenName = tokens.Keys.Single();
        }

        var known = false;
        if (tokenName is null)
        {
            Add(problems, "token", "token is required: the name of the managed token to send with (the key is not bound to a single token).");
        }
        else if (!user.MayUseToken(tokenName))
        {
            return TypedResults.Problem(title: "Token not allowed", detail: $"This client key may not use token '{tokenName}'.", statusCode: StatusCodes.Status403Forbidden);
        }
        else if (!(known = tokens.ContainsKey(tokenName) || (tokens = await directory.GetAsync(reload: true, ct)).ContainsKey(tokenName)))
        {
            Add(problems, "token", $"No managed token named '{tokenName}'.");
        }

        var phone = request.PhoneNumberId ?? (known ? tokens[tokenName!] : null);
        if (phone is null)
        {
            if (known)
            {
                Add(problems, "phone_number_id", $"phone_number_id is required: token '{tokenName}' has no phone number id.");
            }
        }
        else if (!phone.All(char.IsAsciiDigit))
        {
            Add(problems, "phone_number_id", "phone_number_id is the numeric id of the business number (e.g. 106540352242922), not the number itself.");
        }

        if (problems.Count > 0 || request.Message is null || !known || phone is null)
        {
            return TypedResults.ValidationProblem(problems.ToDictionary(p => p.Key, p => p.Value.ToArray()));
        }

        GraphResult<SendResult> result;
        try
        {
            result = await sender.SendAsync(tokenName!, phone, request.Message, ct);
        }
        catch (KeyNotFoundException)
        {
            // Removed since the directory was read.
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["token"] = [$"No managed token named '{tokenName}'."] });
        }
        catch (SendThrottledException ex)
        {
            http.Response.Headers.RetryAfter = Seconds(ex.RetryAfter);
            return TypedResults.Problem(title: "Sending too fast", detail: ex.Message, statusCode: StatusCodes.Status429TooManyRequests,
                extensions: new Dictionary<string, object?> { ["phone_number_id"] = phone, ["retry_after_seconds"] = ex.RetryAfter.TotalSeconds });
        }

        if (result.TryGetValue(out var sent))
        {
            return TypedResults.Ok(new MessageSent(sent.Wamid, sent.WaId, sent.MessageStatus));
        }

        var error = result.Error!;
        var kind = error.WhatsAppKind;
        var status = StatusFor(kind);
        if (RetryAfterFor(kind) is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = Seconds(retryAfter);
        }

        return TypedResults.Problem(
            title: $"WhatsApp refused the message: {kind}",
            detail: error.Details ?? error.Message,
            statusCode: status,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = error.Code,
                ["subcode"] = error.Subcode,
                ["whatsapp_kind"] = kind.ToString(),
                ["details"] = error.Details,
                ["fbtrace_id"] = error.FbTraceId,
                ["message"] = error.Message,
            });
    }

    /// <summary>The HTTP status we answer for a Meta error of this kind.</summary>
    internal static int StatusFor(WhatsAppErrorKind kind) => kind switch
    {
        WhatsAppErrorKind.ThroughputLimited or WhatsAppErrorKind.PairRateLimited or WhatsAppErrorKind.RateLimited => StatusCodes.Status429TooManyRequests,
        WhatsAppErrorKind.OutsideCustomerServiceWindow or WhatsAppErrorKind.InvalidRecipient or WhatsAppErrorKind.NotAWhatsAppUser
            or WhatsAppErrorKind.TemplateError => StatusCodes.Status422UnprocessableEntity,
        WhatsAppErrorKind.InvalidParameter or WhatsAppErrorKind.MediaError => StatusCodes.Status400BadRequest,
        WhatsAppErrorKind.PermissionDenied or WhatsAppErrorKind.PolicyBlocked or WhatsAppErrorKind.AccountLocked => StatusCodes.Status403Forbidden,
        // Transient, a token Meta still refuses after one refresh, or an unknown answer: the upstream failed.
        _ => StatusCodes.Status502BadGateway,
    };

    // 130429 clears within the second; the pair limit allows about one message per 6 s (reference §4.2).
    private static TimeSpan? RetryAfterFor(WhatsAppErrorKind kind) => kind switch
    {
        WhatsAppErrorKind.ThroughputLimited => TimeSpan.FromSeconds(1),
        WhatsAppErrorKind.PairRateLimited => TimeSpan.FromSeconds(6),
        WhatsAppErrorKind.RateLimited => TimeSpan.FromSeconds(60),
        _ => null,
    };

    private static string Seconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static void Add(Dictionary<string, List<string>> problems, string key, string problem)
    {
        if (!problems.TryGetValue(key, out var list))
        {
            problems[key] = list = [];
        }

        list.Add(problem);
    }
}
