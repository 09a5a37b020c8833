using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Evertoken.Storage;

namespace Evertoken.Server.Auth;

/// <summary>
/// Client keys by id, read from the store once and then served from memory (the proxy checks a key on every call).
/// A cached key keeps its secret hash as bytes, so checking a presented key allocates nothing: parse as spans,
/// SHA-256 into the stack, compare in constant time. The first secret that matches is then kept beside the hash, so an
/// app presenting the same key on every call is checked by a constant-time comparison instead of a hash (about a
/// microsecond of OpenSSL per call on the proxy and token-read paths); the store still holds only the hash.
/// Revocations through this instance's API update the cache at once; an entry is read again after
/// <see cref="RefreshAfter"/>, so a key revoked or created through another instance sharing the store (PostgreSQL)
/// takes effect here within that time.
/// </summary>
public sealed class ClientKeyCache(IClientKeyStore store, TimeProvider time)
{
    /// <summary>How long a cached lookup (a key, or the absence of one) is trusted. 5 seconds.</summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(5);

    // SHA-256 of a secret; the secret part of a key is 43 base64url characters, anything far longer is not a key.
    private const int HashBytes = 32;
    private const int MaxSecretChars = 256;

    private readonly ConcurrentDictionary<string, Entry> _keys = new(StringComparer.Ordinal);

    /// <summary>Finds the key a presented string belongs to, if its secret matches and it is not revoked.</summary>
    public async ValueTask<ClientKey?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (TryAuthenticateCached(presented, out var cached))
        {
            return cached;
        }

        if (!ClientKeySecret.TryParse(presented, out var id, out _))
        {
            return null;
        }

        var key = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        _keys[id] = new Entry(key, time.GetTimestamp());
        return TryAuthenticateCached(presented, out cached) ? cached : null;
    }

    /// <summary>
    /// Checks a presented key against the cache without allocating. True when the answer is known: then
    /// <paramref name="key"/> is the live key whose secret matches, or null (malformed, unknown, wrong secret, revoked).
    /// False when the key's id is not cached yet: call <see cref="AuthenticateAsync"/>.
    /// </summary>
    public bool TryAuthenticateCached(ReadOnlySpan<char> presented, out ClientKey? key)
    {
        key = null;
        if (!TrySplit(presented, out var id, out var secret))
        {
            return true;
        }

        if (!_keys.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(id, out var entry)
            || time.GetElapsedTime(entry.LoadedAt) >= RefreshAfter)
        {
            return false;
        }

        if (entry.Key is { RevokedAt: null } live && entry.Matches(secret))
        {
            key = live;
        }

        return true;
    }

    /// <summary>Forgets a key (after it changed in the store).</summary>
    public void Forget(string id) => _keys.TryRemove(id, out _);

    private static bool TrySplit(ReadOnlySpan<char> presented, out ReadOnlySpan<char> id, out ReadOnlySpan<char> secret)
    {
        id = secret = default;
        if (!presented.StartsWith(ClientKeySecret.Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // Same shape as ClientKeySecret.TryParse: etk_{id}_{secret}, both parts non-empty.
        var rest = presented[ClientKeySecret.Prefix.Length..];
        var underscore = rest.IndexOf('_');
        if (underscore <= 0 || underscore == rest.Length - 1)
        {
            return false;
        }

        id = rest[..underscore];
        secret = rest[(underscore + 1)..];
        return true;
    }

    private static bool SecretMatches(ReadOnlySpan<char> secret, byte[] expected)
    {
        if (secret.Length > MaxSecretChars)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[MaxSecretChars * 3];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[HashBytes];
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, expected);
    }

    /// <summary>A cached lookup: the key (null when the id is unknown), its stored hash decoded once, and when it was
    /// read (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    private sealed class Entry(ClientKey? key, long loadedAt)
    {
        public ClientKey? Key { get; } = key;

        public long LoadedAt { get; } = loadedAt;

        public byte[]? Hash { get; } = Decode(key?.SecretHash);

        // The presented secret last found to match Hash. Holding it costs nothing the process does not already hold:
        // every caller sends it in clear on each call, and the managed tokens themselves are in memory.
        private string? _verified;

        /// <summary>True when <paramref name="secret"/> is this key's secret, compared in constant time.</summary>
        public bool Matches(ReadOnlySpan<char> secret)
        {
            if (Volatile.Read(ref _verified) is { } verified && verified.Length == secret.Length)
            {
                return CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(verified.AsSpan()), MemoryMarshal.AsBytes(secret));
            }

            if (Hash is not { } expected || !SecretMatches(secret, expected))
            {
                return false;
            }

            Volatile.Write(ref _verified, secret.ToString());
            return true;
        }

        private static byte[]? Decode(string? hex)
        {
            var bytes = new byte[HashBytes];
            return hex is { Length: HashBytes * 2 } && Convert.FromHexString(hex, bytes, out _, out var written) == OperationStatus.Done && written == HashBytes
                ? bytes
                : null;
        }
    }
}
