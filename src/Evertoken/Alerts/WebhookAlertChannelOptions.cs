namespace Evertoken.Alerts;

/// <summary>Settings of a <see cref="WebhookAlertChannel"/>.</summary>
public sealed class WebhookAlertChannelOptions
{
    /// <summary>
    /// Where to POST, http or https; e.g. a Slack incoming webhook URL. Required. Treated as a secret (Slack's hook
    /// URLs are): only its host appears in <see cref="WebhookAlertChannel.Describe"/> and logs.
    /// </summary>
    public Uri? Url { get; set; }

    /// <summary>Timeout of one delivery. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
