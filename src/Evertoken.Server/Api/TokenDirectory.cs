using Evertoken.Storage;

namespace Evertoken.Server.Api;

/// <summary>
/// The managed tokens' names and phone number ids, cached for the send path so a message does not cost a store read
/// and a decryption of every token. Reloaded after 30 seconds, or at once (at most once a second) when a name is not
/// found, so a token added a moment ago is usable.
/// </summary>
internal sealed class TokenDirectory(ITokenStore store, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MinReloadGap = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _snapshot;

    /// <summary>Token name → its phone number id (null when it has none).</summary>
    public async ValueTask<IReadOnlyDictionary<string, string?>> GetAsync(bool reload, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && !IsStale(current, now, reload))
        {
            return current.Tokens;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_snapshot is { } fresh && !IsStale(fresh, now, reload))
            {
                return fresh.Tokens;
            }

            var tokens = (await store.ListTokensAsync(ct)).ToDictionary(t => t.Name, t => t.PhoneNumberId, StringComparer.Ordinal);
            _snapshot = new Snapshot(tokens, time.GetUtcNow());
            return tokens;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool IsStale(Snapshot snapshot, DateTimeOffset now, bool reload) =>
        now - snapshot.LoadedAt >= CacheFor || now < snapshot.LoadedAt || (reload && now - snapshot.LoadedAt >= MinReloadGap);

    private sealed record Snapshot(IReadOnlyDictionary<string, string?> Tokens, DateTimeOffset LoadedAt);
}
