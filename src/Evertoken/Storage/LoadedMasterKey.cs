namespace Evertoken.Storage;

/// <summary>The master key ring loaded by <see cref="MasterKeyProvider"/>: the protector and where the key came from.</summary>
/// <param name="Protector">Encrypts with the primary key, decrypts with it and the previous keys.</param>
/// <param name="Source">Where the primary key came from.</param>
/// <param name="KeyFile">The key file read or created; null when the key was configured.</param>
public sealed record LoadedMasterKey(SecretProtector Protector, MasterKeySource Source, string? KeyFile);
