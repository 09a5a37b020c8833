namespace Evertoken.WhatsApp.Internal;

/// <summary>
/// Where <see cref="WebhookEventDispatcher"/> keeps its place (the last event handed to every handler), and whether
/// this instance may hand events out at all: with several instances on one shared inbox only one may, or every
/// handler would see every event once per instance, out of order.
/// </summary>
internal interface IWebhookHandlerCursor : IAsyncDisposable
{
    /// <summary>Takes the right to hand events out; false while another instance holds it.</summary>
    Task<bool> TryLeadAsync(CancellationToken cancellationToken);

    /// <summary>The last event handled (null: none yet, so every stored event). Only while leading.</summary>
    Task<long?> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Records the last event handled. Only while leading; throws when the right was lost.</summary>
    Task WriteAsync(long eventId, CancellationToken cancellationToken);

    /// <summary>Gives the right up (after a failure, or when stopping), so another instance can take over.</summary>
    ValueTask ReleaseAsync();
}
