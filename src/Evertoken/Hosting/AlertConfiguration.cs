namespace Evertoken.Hosting;

/// <summary>Where alerts go besides the log.</summary>
public sealed class AlertConfiguration
{
    /// <summary>A JSON webhook (Slack incoming webhooks work as they are). Null for log only.</summary>
    public Uri? WebhookUrl { get; set; }
}
