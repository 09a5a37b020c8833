namespace Evertoken.Tokens;

/// <summary>
/// Serialises refreshes of one token across instances. In one process the keeper already runs one refresh per
/// token; with several instances on one store, a distributed lock (PostgreSQL advisory lock) makes it one overall.
/// The default implementation, <see cref="NoRefreshLock"/>, is for a single instance.
/// </summary>
public interface IRefreshLock
{
    /// <summary>Takes the lock for a token; dispose the handle to release. The lock is released too when the
    /// holder dies (session-scoped).</summary>
    ValueTask<IAsyncDisposable> AcquireAsync(string tokenName, CancellationToken cancellationToken = default);
}
