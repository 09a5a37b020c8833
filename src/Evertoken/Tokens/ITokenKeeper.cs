namespace Evertoken.Tokens;

/// <summary>
/// The one place that answers "the current token for X": cached, refreshed once however many callers ask
/// (single-flight; with a distributed lock, once across instances), and never dropping a valid token before its
/// successor is safely stored.
/// </summary>
public interface ITokenKeeper
{
    /// <summary>
    /// The current token. Served from memory; when it is expired or inside the hard margin and can be renewed, the
    /// renewal happens first (one Graph call for all concurrent callers). Throws <see cref="KeyNotFoundException"/> for an
    /// unknown name (a configuration bug); a token Meta rejects is still returned, with its status in the store.
    /// </summary>
    ValueTask<CurrentToken> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Renews the token now. When <paramref name="rejectedVersion"/> is given (a call just failed with 190 using that
    /// version) and a newer version already exists, returns it without calling Meta: that is how a burst of 190s
    /// becomes one refresh.
    /// </summary>
    Task<RefreshOutcome> RefreshAsync(string name, long? rejectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>Asks Meta (debug_token) about the current version and records its health; raises alerts on change.</summary>
    Task<TokenCheckOutcome> CheckAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Forgets the cached value, so the next <see cref="GetAsync"/> reads the store (after another instance rotated).</summary>
    void Evict(string name);
}
