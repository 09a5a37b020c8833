namespace Evertoken.Storage;

/// <summary>
/// Where the master key comes from. <see cref="MasterKeyProvider"/> uses <see cref="Key"/> when set, otherwise the
/// <see cref="KeyFile"/>, and creates that file with a new random key (owner-only permissions) when it does not exist.
/// The master key must not live in the database it protects.
/// </summary>
public sealed class MasterKeyOptions
{
    /// <summary>The environment variable holding the master key (base64 of 32 bytes).</summary>
    public const string KeyEnvironmentVariable = "EVERTOKEN_MASTER_KEY";

    /// <summary>The environment variable holding older keys, comma-separated, accepted for decryption only.</summary>
    public const string PreviousKeysEnvironmentVariable = "EVERTOKEN_PREVIOUS_MASTER_KEYS";

    /// <summary>The master key, base64 of 32 random bytes. Default: null (use <see cref="KeyFile"/>). Wins over the key file.</summary>
    public string? Key { get; set; }

    /// <summary>The key file. Default: null, meaning <see cref="EvertokenPaths.DefaultMasterKeyFile"/>
    /// (<c>&lt;data folder&gt;/master.key</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Older keys (base64), still accepted for decryption while a rotation is under way. Default: none.</summary>
    public IList<string> PreviousKeys { get; set; } = [];

    /// <summary>
    /// Options from the environment: <c>EVERTOKEN_MASTER_KEY</c> and <c>EVERTOKEN_PREVIOUS_MASTER_KEYS</c>
    /// (comma-separated), with the key file in the data folder (<see cref="EvertokenPaths"/>).
    /// </summary>
    /// <param name="getVariable">Reads a variable; default: the process environment.</param>
    public static MasterKeyOptions FromEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        return new MasterKeyOptions
        {
            Key = getVariable(KeyEnvironmentVariable) is { Length: > 0 } key ? key : null,
            KeyFile = Path.Combine(EvertokenPaths.GetDataFolder(getVariable), EvertokenPaths.MasterKeyFileName),
            PreviousKeys = (getVariable(PreviousKeysEnvironmentVariable) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToList(),
        };
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MasterKeyOptions {{ Key = {(Key is null ? "(none)" : "***")}, KeyFile = {KeyFile ?? "(default)"}, PreviousKeys = {PreviousKeys.Count} }}";
}
