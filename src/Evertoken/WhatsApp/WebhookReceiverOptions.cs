using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Settings of the webhook receiver mapped by <see cref="WebhookEndpointRouteBuilderExtensions.MapEvertokenWebhooks"/>
/// (configuration section <c>Webhooks</c> in <c>evertoken serve</c>).
/// </summary>
public sealed class WebhookReceiverOptions
{
    /// <summary>Meta's largest webhook payload: 3 MB (reference §4.5).</summary>
    public const int DefaultMaxBodyBytes = 3 * 1024 * 1024;

    /// <summary>The verify token entered in the app's webhook settings, checked in the GET handshake. Default none:
    /// the handshake is refused.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>App secrets that may sign webhooks, beside those of the apps in the token store (several during a
    /// rotation of the app secret). Default none.</summary>
    public IList<string> AppSecrets { get; set; } = [];

    /// <summary>The largest body accepted; bigger ones get 413 and are not stored. Default 3 MB.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>Checks the options and reports every problem at once.</summary>
    public sealed class Validator : IValidateOptions<WebhookReceiverOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, WebhookReceiverOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            if (options.MaxBodyBytes < 1024)
            {
                problems.Add("Webhooks:MaxBodyBytes must be at least 1024 (Meta sends up to 3 MB).");
            }

            if (options.VerifyToken is { Length: > 0 } verify && verify.Trim().Length != verify.Length)
            {
                problems.Add("Webhooks:VerifyToken has leading or trailing spaces; Meta sends the token exactly as entered.");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
