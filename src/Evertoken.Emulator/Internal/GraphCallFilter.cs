namespace Evertoken.Emulator.Internal;

/// <summary>
/// Runs around every Graph endpoint: applies a matching fault first, answers, and records the call with its status
/// (tokens and secrets as fingerprints). The call is recorded as the answer starts, when its status is final, so a
/// client that has the answer always finds its call in the log.
/// </summary>
internal sealed class GraphCallFilter(EmulatorState state) : IEndpointFilter
{
    private static readonly HashSet<string> SecretParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "access_token", "input_token", "fb_exchange_token", "revoke_token", "client_secret", "appsecret_proof", "code",
        "verify_token", "pin",
    };

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = await GraphRequest.ReadAsync(http);
        var seq = state.CallLog.NextSeq();
        var at = state.Clock.GetUtcNow();
        var fault = state.Faults.Take(http.Request.Method, request.Path);

        // Set once the call is in the log (or must not be): a timeout fault records itself early, an abandoned call not at all.
        var recorded = false;
        http.Response.OnStarting(() =>
        {
            // Every Graph answer carries a trace id; error envelopes set their own, equal to fbtrace_id.
            if (!http.Response.Headers.ContainsKey("x-fb-trace-id"))
            {
                http.Response.Headers["x-fb-trace-id"] = RandomText.TraceId();
            }

            // Recorded before the first byte leaves: recording after the body would let a fast client read the log first.
            if (!recorded)
            {
                recorded = true;
                state.CallLog.Add(Record(seq, at, http, request, http.Response.StatusCode, fault?.Id));
            }

            return Task.CompletedTask;
        });

        var stopping = http.RequestServices.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        try
        {
            object? result;
            if (fault is not null)
            {
                if (fault.Spec.Timeout)
                {
                    // Recorded now: the call is never answered, so there will be no later moment.
                    recorded = true;
                    state.CallLog.Add(Record(seq, at, http, request, 0, fault.Id));
                    await Task.Delay(Timeout.InfiniteTimeSpan, abort.Token);
                }

                if (fault.Spec.DelayMs is > 0 and var delay)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(delay), abort.Token);
                }
            }

            result = fault?.Spec is { Status: not null } or { GraphCode: not null }
                ? GraphErrors.Result(FaultError(fault.Spec), state.Settings)
                : await next(context);

            if (result is IResult executable)
            {
                await executable.ExecuteAsync(http);
            }
            else if (result is not null)
            {
                await http.Response.WriteAsJsonAsync(result, abort.Token);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            recorded = true;
            return Results.Empty;
        }

        // An answer with no body starts after this filter returns; OnStarting records it then.
        return Results.Empty;
    }

    private static GraphError FaultError(FaultSpec spec)
    {
        var code = spec.GraphCode ?? spec.Status switch
        {
            >= 500 => 2,
            429 or 403 => 4,
            401 => 190,
            _ => 1,
        };
        return new GraphError(code, spec.Message ?? GraphErrors.DefaultMessage(code))
        {
            Subcode = spec.GraphSubcode,
            IsTransient = GraphErrors.IsTransientCode(code) ? true : null,
            HttpStatus = spec.Status,
        };
    }

    private static RecordedCall Record(long seq, DateTimeOffset at, HttpContext http, GraphRequest request, int status, string? faultId) => new()
    {
        Seq = seq,
        At = at,
        Method = http.Request.Method,
        Path = request.Path,
        Version = request.Version,
        Query = Mask(request.Query),
        Form = request.Form is null ? null : Mask(request.Form),
        Token = request.AccessToken is null ? null : Fingerprint.Of(request.AccessToken),
        TokenTransport = request.TokenTransport,
        Status = status,
        FaultId = faultId,
    };

    private static Dictionary<string, string> Mask(IReadOnlyDictionary<string, string> values) =>
        values.ToDictionary(kv => kv.Key, kv => SecretParameters.Contains(kv.Key) ? Fingerprint.Of(kv.Value) : kv.Value, StringComparer.Ordinal);
}
