using System.Collections.Concurrent;
using Evertoken.Storage;

namespace Evertoken.Server.Auth;

/// <summary>
/// Client keys by id, read from the store once and then served from memory (the proxy checks a key on every call).
/// Revocations through the API update the cache at once.
/// </summary>
public sealed class ClientKeyCache(IClientKeyStore store)
{
    private readonly ConcurrentDictionary<string, ClientKey?> _keys = new(StringComparer.Ordinal);

    /// <summary>Finds the key a presented string belongs to, if its secret matches and it is not revoked.</summary>
    public async ValueTask<ClientKey?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ClientKeySecret.TryParse(presented, out var id, out var secret))
        {
            return null;
        }

        if (!_keys.TryGetValue(id, out var key))
        {
            key = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            _keys[id] = key;
        }

        return key is { RevokedAt: null } && ClientKeySecret.Matches(secret, key.SecretHash) ? key : null;
    }

    /// <summary>Forgets a key (after it changed in the store).</summary>
    public void Forget(string id) => _keys.TryRemove(id, out _);
}
