using Evertoken.WhatsApp.Internal;
using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Settings of <see cref="WebhookRelay"/>. Retries follow Meta's own webhook behaviour: less and less often, for up to
/// 7 days (reference §4.5), then the delivery is <c>dead</c> and an alert is raised.
/// </summary>
public sealed class WebhookRelayOptions
{
    /// <summary>Where to forward (configuration <c>Webhooks:Relay:N:*</c>). Default none: payloads are only stored.</summary>
    public IList<WebhookRelayTarget> Targets { get; set; } = [];

    /// <summary>The wait after the first failure; it doubles after each failure up to <see cref="MaxDelay"/>. Default 10 s.</summary>
    public TimeSpan InitialDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts. Default 1 hour.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after it was queued a delivery is retried before it is marked dead. Default 7 days, like Meta.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Random spread of each wait, as a fraction (0.2 = ±20 %), so retries of many payloads do not stampede. Default 0.2.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>How long a claimed delivery is reserved; if the process dies mid-delivery it is retried after that. Default 2 minutes.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The timeout of one POST to a target. Default 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the worker looks for due retries (new payloads wake it at once). Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most deliveries in flight at once (one per target and phone number, so order holds). Default 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// The addresses this service listens on: a target there whose path is under <c>/v1</c>, <c>/graph</c> or
    /// <c>/webhooks</c> is refused, so the relay can never post to the service itself. Default none.
    /// </summary>
    public IList<Uri> OwnAddresses { get; set; } = [];

    /// <summary>Checks the options and reports every problem at once.</summary>
    public sealed class Validator : IValidateOptions<WebhookRelayOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, WebhookRelayOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < options.Targets.Count; i++)
            {
                var target = options.Targets[i];
                var label = $"Webhooks:Relay:{i}";
                if (target.Url is not { IsAbsoluteUri: true } url || url.Scheme is not ("http" or "https"))
                {
                    problems.Add($"{label}:Url must be an absolute http or https URL.");
                }
                else if (SelfAddressGuard.PointsAtSelf(url, options.OwnAddresses))
                {
                    problems.Add($"{label}:Url points at this service's own /v1, /graph or /webhooks path: the relay would loop.");
                }

                if (!names.Add(target.EffectiveName))
                {
                    problems.Add($"{label}: the name '{target.EffectiveName}' is used twice.");
                }

                if (target.PhoneNumberId != WebhookRelayTarget.AnyPhoneNumber
                    && (string.IsNullOrEmpty(target.PhoneNumberId) || !target.PhoneNumberId.All(char.IsAsciiDigit)))
                {
                    problems.Add($"{label}:PhoneNumberId must be a numeric phone number id or * (got '{target.PhoneNumberId}').");
                }
            }

            if (options.InitialDelay <= TimeSpan.Zero || options.MaxDelay < options.InitialDelay)
            {
                problems.Add("Webhooks:Retry:InitialDelay must be positive and not above MaxDelay.");
            }

            if (options.GiveUpAfter <= TimeSpan.Zero)
            {
                problems.Add("Webhooks:Retry:GiveUpAfter must be positive.");
            }

            if (options.Jitter is < 0 or >= 1)
            {
                problems.Add($"Webhooks:Retry:Jitter must be at least 0 and below 1 (got {options.Jitter}).");
            }

            if (options.Timeout <= TimeSpan.Zero || options.Lease <= options.Timeout)
            {
                problems.Add("Webhooks:Retry:Timeout must be positive and shorter than Lease.");
            }

            if (options.PollInterval <= TimeSpan.Zero)
            {
                problems.Add("Webhooks:Retry:PollInterval must be positive.");
            }

            if (options.MaxConcurrency is < 1 or > 256)
            {
                problems.Add($"Webhooks:Retry:MaxConcurrency must be between 1 and 256 (got {options.MaxConcurrency}).");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
