namespace Evertoken.Server.Api;

/// <summary>Settings of the webhook receiver at <c>/webhooks/whatsapp</c> (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>Meta's largest webhook payload: 3 MB (reference §4.5).</summary>
    public const int DefaultMaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>The verify token entered in the app's webhook settings, echoed check for the GET handshake. Default none:
    /// the handshake is refused.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>App secrets that may sign webhooks, beside those of the apps in the store (several during a rotation).
    /// Default none.</summary>
    public IList<string> AppSecrets { get; set; } = [];

    /// <summary>The largest body accepted; bigger ones get 413 and are not stored. Default 3 MB.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;
}
