using System.Net.Http.Json;
using Evertoken.Alerts.Internal;

namespace Evertoken.Alerts;

/// <summary>
/// Posts each alert as JSON that a Slack incoming webhook accepts (the <c>text</c> field) and that other receivers can
/// read field by field: <c>{"text","kind","token","cause","sink","at","reminder"}</c>, e.g.
/// <c>{"text":"Token 'shop' could not be pushed…","kind":"SinkFailed","token":"shop","cause":"Credential",
/// "sink":"netlify-prod","at":"2026-11-01T10:00:00+00:00","reminder":false}</c>.
/// A 2xx answer is a delivery; anything else, a timeout or a network failure returns false (never throws).
/// </summary>
public sealed class WebhookAlertChannel : IAlertChannel
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly TimeSpan _timeout;

    /// <summary>Creates the channel.</summary>
    /// <param name="http">The HTTP client (from <c>IHttpClientFactory</c>).</param>
    /// <param name="options">Settings.</param>
    /// <exception cref="ArgumentException">The URL is missing or not absolute http/https.</exception>
    public WebhookAlertChannel(HttpClient http, WebhookAlertChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Url is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("The alert webhook URL must be an absolute http or https URL.", nameof(options));
        }

        _http = http;
        _url = url;
        _timeout = options.Timeout > TimeSpan.Zero ? options.Timeout : TimeSpan.FromSeconds(10);
    }

    /// <inheritdoc />
    public string Describe => $"webhook:{_url.Host}";

    /// <inheritdoc />
    public async Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var body = new AlertWebhookBody(
            alert.Message,
            alert.Kind.ToString(),
            alert.TokenName,
            alert.Cause.ToString(),
            alert.Sink,
            alert.At,
            alert.IsReminder);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var content = JsonContent.Create(body, AlertJsonContext.Default.AlertWebhookBody);
            using var response = await _http.PostAsync(_url, content, timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
