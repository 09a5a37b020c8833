namespace Evertoken.Tokens;

/// <summary>The lock for a single instance: nothing to do beyond the keeper's own per-token gate.</summary>
public sealed class NoRefreshLock : IRefreshLock
{
    private static readonly IAsyncDisposable Released = new Handle();

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> AcquireAsync(string tokenName, CancellationToken cancellationToken = default) => ValueTask.FromResult(Released);

    private sealed class Handle : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
