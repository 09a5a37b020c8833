namespace Evertoken.Storage;

/// <summary>Where <see cref="MasterKeyProvider"/> found the master key.</summary>
public enum MasterKeySource
{
    /// <summary>From <see cref="MasterKeyOptions.Key"/> (usually <c>EVERTOKEN_MASTER_KEY</c>).</summary>
    Configured,

    /// <summary>From an existing key file.</summary>
    KeyFile,

    /// <summary>No key was configured and the key file did not exist: a new key was generated and written to it.
    /// Tell the operator to back the file up; without it the store cannot be opened.</summary>
    CreatedKeyFile,
}
