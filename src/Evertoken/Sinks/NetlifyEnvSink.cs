using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Evertoken.Sinks.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evertoken.Sinks;

/// <summary>
/// Sets a Netlify environment variable to the new token and starts a redeploy (a running deploy keeps the values it
/// was built with). Steps, following Netlify's env API (<c>getEnvVar</c>, <c>createEnvVars</c>, <c>setEnvVarValue</c>,
/// <c>deleteEnvVar</c>, <c>createSiteBuild</c>):
/// <list type="number">
/// <item><c>GET /accounts/{account_id}/env/{key}?site_id=</c>;</item>
/// <item>absent (404): create it, <c>POST /accounts/{account_id}/env?site_id=</c> with the scopes builds, functions,
/// runtime and post-processing and a value for the one context;</item>
/// <item>present: <c>PATCH</c> the one context (<c>{"context","value"[,"context_parameter"]}</c>), leaving the other
/// contexts alone; a secret variable (<c>is_secret</c>) cannot be read back and is replaced by delete + create instead,
/// which keeps only this context's value;</item>
/// <item>redeploy per <see cref="NetlifyEnvSinkOptions.Redeploy"/>.</item>
/// </list>
/// Outcomes: 429 waits per <c>X-RateLimit-Reset</c> (or <see cref="NetlifyEnvSinkOptions.DefaultRateLimitWait"/>) and
/// retries each call a few times, then transient; 401/403 permanent ("Netlify refused the access token"); 404 on the
/// account or site, and other 4xx, permanent; 5xx, timeouts and network failures transient. Neither the Netlify token,
/// the hook URL nor the WhatsApp token ever appear in a result or a log line. Waits use the <see cref="TimeProvider"/>.
/// </summary>
public sealed class NetlifyEnvSink : ITokenSink
{
    private static readonly string[] DefaultScopes = ["builds", "functions", "runtime", "post-processing"];

    private readonly HttpClient _http;
    private readonly NetlifyEnvSinkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Uri _base;

    /// <summary>Creates the sink.</summary>
    /// <param name="http">The typed HTTP client (see <see cref="SinkFactory.NetlifyHttpClientName"/>).</param>
    /// <param name="options">Settings.</param>
    /// <param name="timeProvider">The clock for rate-limit waits; the system clock when null.</param>
    /// <param name="logger">The log; none when null.</param>
    /// <exception cref="ArgumentException">The options are not usable (the message lists every problem).</exception>
    public NetlifyEnvSink(
        HttpClient http,
        NetlifyEnvSinkOptions options,
        TimeProvider? timeProvider = null,
        ILogger<NetlifyEnvSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _http = http;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var baseText = options.ApiBaseUrl.AbsoluteUri;
        _base = new Uri(baseText.EndsWith('/') ? baseText : baseText + "/");
    }

    /// <inheritdoc />
    public string Describe =>
        $"netlify:{_options.AccountId}/{_options.SiteId ?? "(account)"}/{_options.Key}@{_options.Context}"
        + (string.IsNullOrEmpty(_options.ContextParameter) ? string.Empty : ":" + _options.ContextParameter);

    /// <inheritdoc />
    public async Task<SinkResult> PushAsync(TokenPush push, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(push);
        var read = await ReadVariableAsync(push, cancellationToken).ConfigureAwait(false);
        if (read.Failure is not null)
        {
            return read.Failure;
        }

        SinkResult result;
        string action;
        if (read.Variable is null)
        {
            action = "created";
            result = await CreateAsync(push, _options.CreateAsSecret, DefaultScopes, cancellationToken).ConfigureAwait(false);
        }
        else if (read.Variable.IsSecret)
        {
            // A secret cannot be read back, so it is replaced: delete, then create with this context's value only.
            // REVIEW: values of a secret variable in other contexts are lost; Netlify gives us no way to read them.
            action = "replaced (secret)";
            var scopes = read.Variable.Scopes is { Count: > 0 } existing ? existing : [.. DefaultScopes];
            result = await SendForStatusAsync(
                () => new HttpRequestMessage(HttpMethod.Delete, VariableUrl()),
                "deleting the secret variable before re-creating it",
                push,
                cancellationToken).ConfigureAwait(false);
            if (result.Success)
            {
                result = await CreateAsync(push, isSecret: true, scopes, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            action = "updated";
            result = await SendForStatusAsync(
                () => new HttpRequestMessage(HttpMethod.Patch, VariableUrl())
                {
                    Content = JsonContent.Create(
                        new NetlifySetValue(_options.Context, push.Value, ContextParameter()),
                        SinkJsonContext.Default.NetlifySetValue),
                },
                "setting the variable's value",
                push,
                cancellationToken).ConfigureAwait(false);
        }

        if (!result.Success)
        {
            return result;
        }

        SinkLog.NetlifyVariableSet(_logger, Describe, action, push.Name, push.Version, push.Fingerprint);
        return await RedeployAsync(push, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(NetlifyEnvVar? Variable, SinkResult? Failure)> ReadVariableAsync(TokenPush push, CancellationToken cancellationToken)
    {
        const string operation = "reading the variable";
        var (response, failure) = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, VariableUrl()), operation, push, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return (null, failure);
        }

        using (response)
        {
            if (response!.StatusCode == HttpStatusCode.NotFound)
            {
                return (null, null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return (null, await ClassifyAsync(response, operation, push, cancellationToken).ConfigureAwait(false));
            }

            try
            {
                var variable = await response.Content
                    .ReadFromJsonAsync(SinkJsonContext.Default.NetlifyEnvVar, cancellationToken).ConfigureAwait(false);
                return variable is null
                    ? (null, SinkResult.Transient("Netlify answered the variable read with an empty body."))
                    : (variable, null);
            }
            catch (JsonException)
            {
                return (null, SinkResult.Transient("Netlify answered the variable read with a body that is not a variable."));
            }
        }
    }

    private Task<SinkResult> CreateAsync(TokenPush push, bool isSecret, IReadOnlyList<string> scopes, CancellationToken cancellationToken) =>
        SendForStatusAsync(
            () => new HttpRequestMessage(HttpMethod.Post, AccountEnvUrl())
            {
                // Array in, array out: createEnvVars takes a list of variables.
                Content = JsonContent.Create(
                    new List<NetlifyNewEnvVar>
                    {
                        new(_options.Key, scopes, [new NetlifySetValue(_options.Context, push.Value, ContextParameter())], isSecret),
                    },
                    SinkJsonContext.Default.ListNetlifyNewEnvVar),
            },
            "creating the variable",
            push,
            cancellationToken);

    private async Task<SinkResult> RedeployAsync(TokenPush push, CancellationToken cancellationToken)
    {
        switch (_options.Redeploy)
        {
            case NetlifyRedeploy.Builds:
            {
                const string operation = "starting a build";
                var (response, failure) = await SendAsync(
                    () => new HttpRequestMessage(HttpMethod.Post, new Uri(_base, $"sites/{Escape(_options.SiteId!)}/builds"))
                    {
                        Content = JsonContent.Create(new NetlifyBuildRequest(false), SinkJsonContext.Default.NetlifyBuildRequest),
                    },
                    operation,
                    push,
                    cancellationToken).ConfigureAwait(false);
                if (failure is not null)
                {
                    return failure;
                }

                using (response)
                {
                    if (!response!.IsSuccessStatusCode)
                    {
                        return await ClassifyAsync(response, operation, push, cancellationToken).ConfigureAwait(false);
                    }

                    SinkLog.NetlifyRedeployed(_logger, Describe, "builds API");
                    return SinkResult.Ok;
                }
            }

            case NetlifyRedeploy.BuildHook:
            {
                var result = await SendForStatusAsync(
                    () => new HttpRequestMessage(HttpMethod.Post, _options.BuildHookUrl) { Content = new ByteArrayContent([]) },
                    "calling the build hook",
                    push,
                    cancellationToken,
                    authenticated: false).ConfigureAwait(false);
                if (result.Success)
                {
                    SinkLog.NetlifyRedeployed(_logger, Describe, "build hook");
                }

                return result;
            }

            default:
                return SinkResult.Ok;
        }
    }

    private async Task<SinkResult> SendForStatusAsync(
        Func<HttpRequestMessage> create,
        string operation,
        TokenPush push,
        CancellationToken cancellationToken,
        bool authenticated = true)
    {
        var (response, failure) = await SendAsync(create, operation, push, cancellationToken, authenticated).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure;
        }

        using (response)
        {
            return response!.IsSuccessStatusCode
                ? SinkResult.Ok
                : await ClassifyAsync(response, operation, push, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends one call, waiting and retrying on 429. Returns the response (caller disposes) or a failure.</summary>
    private async Task<(HttpResponseMessage? Response, SinkResult? Failure)> SendAsync(
        Func<HttpRequestMessage> create,
        string operation,
        TokenPush push,
        CancellationToken cancellationToken,
        bool authenticated = true)
    {
        for (var retry = 0; ; retry++)
        {
            HttpResponseMessage response;
            using (var request = create())
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                if (authenticated)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
                }

                timeout.CancelAfter(_options.Timeout);
                try
                {
                    response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return (null, SinkResult.Transient(
                        $"Netlify did not answer within {_options.Timeout.TotalSeconds:0} s while {operation}; will retry."));
                }
                catch (HttpRequestException ex)
                {
                    return (null, SinkResult.Transient($"Could not reach Netlify while {operation} ({ex.HttpRequestError}); will retry."));
                }
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return (response, null);
            }

            var wait = RateLimitWait(response);
            response.Dispose();
            if (retry >= _options.MaxRateLimitRetries)
            {
                return (null, SinkResult.Transient(
                    $"Netlify kept rate limiting (HTTP 429) while {operation}, {retry + 1} times; will retry later."));
            }

            SinkLog.NetlifyRateLimited(_logger, Describe, operation, wait, retry + 1);
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The wait after a 429. Netlify's API documentation (docs.netlify.com/api/get-started, "Rate limiting") sends
    /// <c>X-RateLimit-Reset</c> as the Unix time in seconds when the window resets; a small number is read as seconds
    /// to wait, and <c>Retry-After</c> is honoured too. Bounded by <see cref="NetlifyEnvSinkOptions.MaxRateLimitWait"/>.
    /// </summary>
    private TimeSpan RateLimitWait(HttpResponseMessage response)
    {
        TimeSpan? wait = null;
        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            wait = reset > 1_000_000_000
                ? DateTimeOffset.FromUnixTimeSeconds(reset) - _timeProvider.GetUtcNow()
                : TimeSpan.FromSeconds(reset);
        }
        else if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            wait = delta;
        }

        var chosen = wait ?? _options.DefaultRateLimitWait;
        if (chosen < TimeSpan.FromSeconds(1))
        {
            chosen = TimeSpan.FromSeconds(1);
        }

        return chosen > _options.MaxRateLimitWait ? _options.MaxRateLimitWait : chosen;
    }

    private async Task<SinkResult> ClassifyAsync(
        HttpResponseMessage response, string operation, TokenPush push, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return SinkResult.Permanent(
                $"Netlify refused the access token (HTTP {status}) while {operation}. Check the sink's personal access " +
                $"token and that it can reach account '{_options.AccountId}'" +
                (_options.SiteId is null ? "." : $" and site '{_options.SiteId}'."));
        }

        if (status >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            return SinkResult.Transient($"Netlify answered HTTP {status} while {operation}; will retry.");
        }

        var detail = await ReadErrorAsync(response, push, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return SinkResult.Permanent(
                $"Netlify answered 404 while {operation}: check the account id '{_options.AccountId}'" +
                (_options.SiteId is null ? string.Empty : $", the site id '{_options.SiteId}'") +
                (_options.Redeploy == NetlifyRedeploy.BuildHook ? " and the build hook URL" : string.Empty) + "." + detail);
        }

        return SinkResult.Permanent($"Netlify refused the request with HTTP {status} while {operation}.{detail}");
    }

    private async Task<string> ReadErrorAsync(HttpResponseMessage response, TokenPush push, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content
                .ReadFromJsonAsync(SinkJsonContext.Default.NetlifyError, cancellationToken).ConfigureAwait(false);
            var message = Redactor.Clean(
                error?.Message, 200, push.Value, _options.AccessToken, _options.BuildHookUrl?.AbsoluteUri, _options.BuildHookUrl?.AbsolutePath);
            return message.Length == 0 ? string.Empty : $" Netlify says: {message}";
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return string.Empty;
        }
    }

    private string? ContextParameter() => _options.Context == "branch" ? _options.ContextParameter : null;

    private Uri AccountEnvUrl() => new(_base, $"accounts/{Escape(_options.AccountId)}/env{SiteQuery()}");

    private Uri VariableUrl() => new(_base, $"accounts/{Escape(_options.AccountId)}/env/{Escape(_options.Key)}{SiteQuery()}");

    private string SiteQuery() => string.IsNullOrEmpty(_options.SiteId) ? string.Empty : $"?site_id={Escape(_options.SiteId)}";

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
