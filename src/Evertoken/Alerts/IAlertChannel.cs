namespace Evertoken.Alerts;

/// <summary>Where alerts go (a JSON webhook compatible with Slack incoming webhooks, the log).</summary>
public interface IAlertChannel
{
    /// <summary>A short description (no secrets), e.g. <c>webhook:hooks.slack.com</c>.</summary>
    string Describe { get; }

    /// <summary>Delivers one alert. Returns false (and never throws for network failures) when it could not.</summary>
    Task<bool> SendAsync(Alert alert, CancellationToken cancellationToken = default);
}
