namespace Evertoken.Storage.Internal;

/// <summary>Decodes a base64 master key, with an error that says what is expected and never echoes the key.</summary>
internal static class MasterKeyParser
{
    public static byte[] Parse(string? base64, string source)
    {
        var text = base64?.Trim() ?? "";
        const string Expected = "expected 32 random bytes encoded in base64 (44 characters; create one with `openssl rand -base64 32`)";
        if (text.Length == 0)
        {
            throw new MasterKeyException($"{Capitalize(source)} is empty: {Expected}.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text);
        }
        catch (FormatException ex)
        {
            throw new MasterKeyException($"{Capitalize(source)} is not valid: {Expected}, but it is not base64.", ex);
        }

        if (key.Length != SecretProtector.KeySize)
        {
            throw new MasterKeyException($"{Capitalize(source)} is not valid: {Expected}, but it decodes to {key.Length} bytes.");
        }

        return key;
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
