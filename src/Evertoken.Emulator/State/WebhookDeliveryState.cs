namespace Evertoken.Emulator;

/// <summary>Where one webhook delivery stands.</summary>
public enum WebhookDeliveryState
{
    /// <summary>Waiting for its time on the emulator clock (e.g. a <c>read</c> status due later).</summary>
    Scheduled,

    /// <summary>Due, waiting behind earlier deliveries to the same callback URL.</summary>
    Queued,

    /// <summary>An attempt failed (non-2xx or no answer); it is retried with back-off.</summary>
    Retrying,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Retried for the whole horizon (<see cref="EmulatorSettings.WebhookRetryHorizonSeconds"/>) without success.</summary>
    GivenUp,

    /// <summary>Dropped on purpose (<see cref="EmulatorSettings.StatusWebhookDropRate"/>): never sent.</summary>
    Dropped,
}
