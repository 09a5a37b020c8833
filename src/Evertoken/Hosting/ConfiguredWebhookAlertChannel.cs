using Evertoken.Alerts;
using Microsoft.Extensions.Options;

namespace Evertoken.Hosting;

/// <summary>The alert webhook from configuration (<see cref="AlertConfiguration.WebhookUrl"/>); does nothing when none is set.</summary>
internal sealed class ConfiguredWebhookAlertChannel(IHttpClientFactory httpClientFactory, IOptions<EvertokenOptions> options) : IAlertChannel
{
    private readonly WebhookAlertChannel? _inner = options.Value.Alerts.WebhookUrl is { } url
        ? new WebhookAlertChannel(httpClientFactory.CreateClient(nameof(WebhookAlertChannel)), new WebhookAlertChannelOptions { Url = url })
        : null;

    public string Describe => _inner?.Describe ?? "webhook:(not configured)";

    public Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default) =>
        _inner?.SendAsync(alert, cancellationToken) ?? Task.FromResult(true);
}
