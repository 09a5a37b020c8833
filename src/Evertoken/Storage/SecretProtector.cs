using System.Security.Cryptography;
using System.Text;
using Evertoken.Storage.Internal;

namespace Evertoken.Storage;

/// <summary>
/// Encrypts secrets (token values, app secrets) with AES-256-GCM under a master key ring: one primary key that
/// encrypts, plus older keys that only decrypt (for key rotation).
/// <para>
/// A protected value is self-describing text: <c>ev1:&lt;key id&gt;:&lt;base64(nonce[12] | ciphertext | tag[16])&gt;</c>.
/// The key id is a short keyed hash of the key (8 hex characters), never the key itself, so a value names the key
/// that opens it. Each value is bound to its <em>purpose</em> (e.g. <c>token:wedding-matcher:3</c> or <c>app:123</c>)
/// through GCM's associated data, so a ciphertext copied to another row fails to decrypt.
/// </para>
/// Thread-safe.
/// </summary>
public sealed class SecretProtector
{
    /// <summary>The prefix of every value this version of the format writes.</summary>
    public const string FormatPrefix = "ev1";

    /// <summary>The length of a master key in bytes (AES-256).</summary>
    public const int KeySize = 32;

    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _primaryKey;
    private readonly Dictionary<string, byte[]> _keysById;

    /// <summary>Creates a protector from raw keys of <see cref="KeySize"/> bytes each.</summary>
    /// <param name="primaryKey">The key that encrypts (and decrypts).</param>
    /// <param name="previousKeys">Older keys that only decrypt; duplicates of the primary are ignored.</param>
    /// <exception cref="MasterKeyException">A key is not <see cref="KeySize"/> bytes long.</exception>
    public SecretProtector(ReadOnlySpan<byte> primaryKey, IEnumerable<byte[]>? previousKeys = null)
    {
        _primaryKey = CheckLength(primaryKey.ToArray(), "the primary master key");
        PrimaryKeyId = KeyIdOf(_primaryKey);
        _keysById = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [PrimaryKeyId] = _primaryKey };
        var index = 0;
        foreach (var key in previousKeys ?? [])
        {
            index++;
            var copy = CheckLength(key.ToArray(), $"previous master key #{index}");
            _keysById.TryAdd(KeyIdOf(copy), copy);
        }

        KeyIds = [PrimaryKeyId, .. _keysById.Keys.Where(id => id != PrimaryKeyId)];
    }

    /// <summary>The id of the primary key (the one <see cref="Protect"/> uses).</summary>
    public string PrimaryKeyId { get; }

    /// <summary>The ids of every key in the ring, the primary first.</summary>
    public IReadOnlyList<string> KeyIds { get; }

    /// <summary>
    /// Creates a protector from base64 keys (the form used in <c>EVERTOKEN_MASTER_KEY</c> and key files).
    /// </summary>
    /// <exception cref="MasterKeyException">A key is not base64 or does not decode to 32 bytes; the message says which
    /// and never repeats the key.</exception>
    public static SecretProtector FromBase64(string primaryKey, IEnumerable<string>? previousKeys = null) =>
        new(
            MasterKeyParser.Parse(primaryKey, "the master key"),
            previousKeys?.Select((k, i) => MasterKeyParser.Parse(k, $"previous master key #{i + 1}")).ToList());

    /// <summary>Creates a new random key, base64-encoded (what a key file holds).</summary>
    public static string GenerateKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>
    /// The id of a key: the first 8 hex characters of HMAC-SHA256(key, "evertoken key id"). Names the key
    /// without revealing anything usable about it.
    /// </summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, "evertoken key id"u8))[..8];

    /// <summary>Encrypts <paramref name="plaintext"/> under the primary key, bound to <paramref name="purpose"/>.</summary>
    /// <param name="plaintext">The secret.</param>
    /// <param name="purpose">What the value is for, e.g. <c>token:&lt;name&gt;:&lt;version&gt;</c>; the same string
    /// must be given to <see cref="Unprotect"/>.</param>
    /// <returns>The protected value in the <c>ev1:</c> text format.</returns>
    public string Protect(string plaintext, string purpose)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentNullException.ThrowIfNull(purpose);

        var plainBytes = Encoding.UTF8.GetBytes(plaintext);
        var blob = new byte[NonceSize + plainBytes.Length + TagSize];
        var nonce = blob.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);

        // AesGcm instances are not documented as thread-safe; one per call keeps the protector thread-safe and is cheap.
        using (var aes = new AesGcm(_primaryKey, TagSize))
        {
            aes.Encrypt(nonce, plainBytes, blob.AsSpan(NonceSize, plainBytes.Length), blob.AsSpan(NonceSize + plainBytes.Length), AssociatedData(purpose));
        }

        CryptographicOperations.ZeroMemory(plainBytes);
        return $"{FormatPrefix}:{PrimaryKeyId}:{Convert.ToBase64String(blob)}";
    }

    /// <summary>Decrypts a value made by <see cref="Protect"/> with any key of the ring.</summary>
    /// <param name="protectedValue">The <c>ev1:</c> text.</param>
    /// <param name="purpose">The purpose it was protected with.</param>
    /// <exception cref="MasterKeyException">The ring lacks the key that made the value, or the value was altered or
    /// belongs to another purpose, or is not in the <c>ev1:</c> format. The message never contains the secret.</exception>
    public string Unprotect(string protectedValue, string purpose)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        ArgumentNullException.ThrowIfNull(purpose);

        var (keyId, blob) = Split(protectedValue, purpose);
        if (!_keysById.TryGetValue(keyId, out var key))
        {
            throw new MasterKeyException(
                $"The master key does not match this store: the secret '{purpose}' was encrypted with key {keyId}, " +
                $"but the configured keys are {string.Join(", ", KeyIds)}. Set {MasterKeyOptions.KeyEnvironmentVariable} " +
                $"to the key it was created with, or, while rotating keys, list the old key in {MasterKeyOptions.PreviousKeysEnvironmentVariable}.");
        }

        var cipherLength = blob.Length - NonceSize - TagSize;
        var plainBytes = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize, cipherLength), blob.AsSpan(NonceSize + cipherLength), plainBytes, AssociatedData(purpose));
            return Encoding.UTF8.GetString(plainBytes);
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new MasterKeyException(
                $"The stored secret '{purpose}' failed its integrity check under key {keyId}: it was altered, or copied " +
                "from another row. Restore it from a backup or store the secret again.", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plainBytes);
        }
    }

    /// <summary>True when <paramref name="protectedValue"/> was made with the primary key (nothing to re-encrypt).</summary>
    public bool IsProtectedWithPrimaryKey(string protectedValue)
    {
        ArgumentNullException.ThrowIfNull(protectedValue);
        return protectedValue.StartsWith($"{FormatPrefix}:{PrimaryKeyId}:", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public override string ToString() => $"SecretProtector {{ primary {PrimaryKeyId}, {KeyIds.Count} key(s) }}";

    private static (string KeyId, byte[] Blob) Split(string protectedValue, string purpose)
    {
        var parts = protectedValue.Split(':');
        if (parts.Length != 3 || parts[0] != FormatPrefix || parts[1].Length == 0)
        {
            throw new MasterKeyException($"The stored secret '{purpose}' is not in the {FormatPrefix} format: the database was altered or was not written by Evertoken.");
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[2]);
        }
        catch (FormatException ex)
        {
            throw new MasterKeyException($"The stored secret '{purpose}' is not valid base64: the database was altered.", ex);
        }

        if (blob.Length < NonceSize + TagSize)
        {
            throw new MasterKeyException($"The stored secret '{purpose}' is truncated: the database was altered.");
        }

        return (parts[1], blob);
    }

    // The format version is part of the associated data so a future format can never be confused with this one.
    private static byte[] AssociatedData(string purpose) => Encoding.UTF8.GetBytes($"{FormatPrefix}\n{purpose}");

    private static byte[] CheckLength(byte[] key, string what) =>
        key.Length == KeySize
            ? key
            : throw new MasterKeyException($"{char.ToUpperInvariant(what[0])}{what[1..]} is {key.Length} bytes long; a master key is {KeySize} random bytes.");
}
