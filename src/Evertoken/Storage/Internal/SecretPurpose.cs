namespace Evertoken.Storage.Internal;

/// <summary>
/// The associated data each encrypted column is bound to, so a ciphertext copied from one row to another does not
/// decrypt. The version number comes last and is numeric, so a name containing ':' stays unambiguous.
/// </summary>
internal static class SecretPurpose
{
    public const string KeyCheck = "key_check";

    /// <summary>The plaintext of the key-check canary; not a secret, only proof that the key opens the store.</summary>
    public const string KeyCheckPlaintext = "evertoken key check";

    public static string Token(string name, long version) => $"token:{name}:{version}";

    public static string App(string appId) => $"app:{appId}";
}
