using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Proxy;

/// <summary>
/// The real keeper, with refreshes held at a gate the test opens: lets a test have every call of a burst rejected by
/// Meta before any refresh (and so any retry) happens, without timing.
/// </summary>
internal sealed class GatedKeeper(TokenKeeper inner) : ITokenKeeper
{
    private int _refreshCalls;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int RefreshCalls => Volatile.Read(ref _refreshCalls);

    public ValueTask<CurrentToken> GetAsync(string name, CancellationToken cancellationToken = default) => inner.GetAsync(name, cancellationToken);

    public async Task<RefreshOutcome> RefreshAsync(string name, long? rejectedVersion = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _refreshCalls);
        await Gate.Task.WaitAsync(cancellationToken);
        return await inner.RefreshAsync(name, rejectedVersion, cancellationToken);
    }

    public Task<TokenCheckOutcome> CheckAsync(string name, CancellationToken cancellationToken = default) => inner.CheckAsync(name, cancellationToken);

    public void Evict(string name) => inner.Evict(name);
}
