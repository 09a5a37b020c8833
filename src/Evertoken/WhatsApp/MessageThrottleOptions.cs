using Microsoft.Extensions.Options;

namespace Evertoken.WhatsApp;

/// <summary>
/// Settings of <see cref="MessageThrottle"/>: how many messages per second each business phone number may send.
/// Meta allows 80 messages per second per number by default and up to 1,000 after an automatic upgrade (reference
/// §4.1, https://developers.facebook.com/documentation/business-messaging/whatsapp/throughput); going over gives
/// error 130429, so we hold callers back before Meta has to.
/// </summary>
public sealed class MessageThrottleOptions
{
    /// <summary>The most a number may be set to: 1,000, Meta's upgraded throughput.</summary>
    public const int MaxMessagesPerSecond = 1000;

    /// <summary>Messages per second for every number not listed in <see cref="PhoneNumbers"/>. Default 80.</summary>
    public int MessagesPerSecond { get; set; } = 80;

    /// <summary>Per phone number id overrides of <see cref="MessagesPerSecond"/> (e.g. 1000 for an upgraded number). Default none.</summary>
    public IDictionary<string, int> PhoneNumbers { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>
    /// How long a caller may queue for its turn before it is turned away (<see cref="SendThrottledException"/>): the
    /// queue holds this many seconds' worth of messages. Zero turns away at once when the bucket is empty. Default 2 s.
    /// </summary>
    public TimeSpan MaxQueueDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The limit for <paramref name="phoneNumberId"/>.</summary>
    public int RateFor(string phoneNumberId) =>
        PhoneNumbers.TryGetValue(phoneNumberId, out var rate) ? rate : MessagesPerSecond;

    /// <summary>Checks the options and reports every problem at once.</summary>
    public sealed class Validator : IValidateOptions<MessageThrottleOptions>
    {
        /// <inheritdoc />
        public ValidateOptionsResult Validate(string? name, MessageThrottleOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var problems = new List<string>();
            if (options.MessagesPerSecond is < 1 or > MaxMessagesPerSecond)
            {
                problems.Add($"Messaging:MessagesPerSecond must be between 1 and {MaxMessagesPerSecond} (got {options.MessagesPerSecond}).");
            }

            foreach (var (phone, rate) in options.PhoneNumbers)
            {
                if (rate is < 1 or > MaxMessagesPerSecond)
                {
                    problems.Add($"Messaging:PhoneNumbers:{phone} must be between 1 and {MaxMessagesPerSecond} (got {rate}).");
                }
            }

            if (options.MaxQueueDelay < TimeSpan.Zero || options.MaxQueueDelay > TimeSpan.FromMinutes(1))
            {
                problems.Add($"Messaging:MaxQueueDelay must be between 0 and 1 minute (got {options.MaxQueueDelay}).");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
