namespace Evertoken.WhatsApp;

/// <summary>
/// Thrown by <see cref="MessageThrottle"/> (and so by <see cref="ManagedCloudApiClient"/>) when a phone number's
/// send queue is full: the message was NOT sent. Retry after <see cref="RetryAfter"/>. It replaces the 130429 Meta
/// would answer, before any call is made.
/// </summary>
public sealed class SendThrottledException : Exception
{
    /// <summary>Creates the exception for <paramref name="phoneNumberId"/>.</summary>
    public SendThrottledException(string phoneNumberId, TimeSpan retryAfter)
        : base($"Phone number {phoneNumberId} is sending at its throughput limit and its queue is full; the message was not sent. Retry in {retryAfter.TotalSeconds:0.###} s.")
    {
        PhoneNumberId = phoneNumberId;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception with the standard message.</summary>
    public SendThrottledException()
        : this("(unknown)", TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SendThrottledException(string message)
        : base(message)
    {
        PhoneNumberId = "";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public SendThrottledException(string message, Exception innerException)
        : base(message, innerException)
    {
        PhoneNumberId = "";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>The business phone number id that is at its limit.</summary>
    public string PhoneNumberId { get; }

    /// <summary>When a retry has a chance (at least one replenishment period).</summary>
    public TimeSpan RetryAfter { get; }
}
