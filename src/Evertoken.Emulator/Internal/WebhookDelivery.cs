using System.Text;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// One webhook POST: immutable body and signatures, plus its progress, updated by the dispatcher's lane worker and
/// read by the control API (hence the lock).
/// </summary>
internal sealed class WebhookDelivery
{
    private readonly Lock _gate = new();
    private WebhookDeliveryState _state;
    private int _attempts;
    private int? _lastStatus;
    private string? _lastError;
    private DateTimeOffset? _nextAttemptAt;
    private DateTimeOffset? _deliveredAt;

    public required string Id { get; init; }

    public required string Kind { get; init; }

    public required string Detail { get; init; }

    public string? MessageId { get; init; }

    public required string AppId { get; init; }

    public required string CallbackUrl { get; init; }

    public required byte[] Body { get; init; }

    public required string Signature256 { get; init; }

    public required string Signature1 { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    public string? RedeliveryOf { get; init; }

    public WebhookDeliveryState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>A copy with the same bytes and signatures, due at <paramref name="now"/>.</summary>
    public WebhookDelivery Repeat(string id, DateTimeOffset now) => new()
    {
        Id = id,
        Kind = Kind,
        Detail = Detail,
        MessageId = MessageId,
        AppId = AppId,
        CallbackUrl = CallbackUrl,
        Body = Body,
        Signature256 = Signature256,
        Signature1 = Signature1,
        CreatedAt = now,
        DueAt = now,
        RedeliveryOf = RedeliveryOf ?? Id,
    };

    public void MarkDropped() => Set(WebhookDeliveryState.Dropped);

    public void MarkQueued() => Set(WebhookDeliveryState.Queued);

    public void RecordSuccess(int status, DateTimeOffset at)
    {
        lock (_gate)
        {
            _attempts++;
            _lastStatus = status;
            _lastError = null;
            _nextAttemptAt = null;
            _deliveredAt = at;
            _state = WebhookDeliveryState.Delivered;
        }
    }

    /// <summary>Records a failed attempt; a null <paramref name="nextAttemptAt"/> gives the delivery up.</summary>
    public void RecordFailure(int? status, string? error, DateTimeOffset? nextAttemptAt)
    {
        lock (_gate)
        {
            _attempts++;
            _lastStatus = status;
            _lastError = error;
            _nextAttemptAt = nextAttemptAt;
            _state = nextAttemptAt is null ? WebhookDeliveryState.GivenUp : WebhookDeliveryState.Retrying;
        }
    }

    /// <summary>Gives up without an attempt (a bug or a bad URL caught by the worker's guard).</summary>
    public void GiveUp(string error)
    {
        lock (_gate)
        {
            _lastError = error;
            _nextAttemptAt = null;
            _state = WebhookDeliveryState.GivenUp;
        }
    }

    public WebhookDeliveryInfo Snapshot()
    {
        lock (_gate)
        {
            return new WebhookDeliveryInfo
            {
                Id = Id,
                Kind = Kind,
                Detail = Detail,
                MessageId = MessageId,
                AppId = AppId,
                CallbackUrl = CallbackUrl,
                State = _state,
                Attempts = _attempts,
                LastStatus = _lastStatus,
                LastError = _lastError,
                CreatedAt = CreatedAt,
                DueAt = DueAt,
                NextAttemptAt = _nextAttemptAt,
                DeliveredAt = _deliveredAt,
                RedeliveryOf = RedeliveryOf,
                Signature = Signature256,
                Body = Encoding.ASCII.GetString(Body),
            };
        }
    }

    private void Set(WebhookDeliveryState state)
    {
        lock (_gate)
        {
            _state = state;
        }
    }
}
