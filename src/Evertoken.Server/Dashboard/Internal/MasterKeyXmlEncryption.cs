using System.Xml.Linq;
using Evertoken.Storage;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// Seals each Data Protection key (the keys of the dashboard's session and antiforgery cookies) with the Evertoken master
/// key before it is written to the data folder, as the tokens are: a copy of the folder without the master key cannot
/// forge a sign-in. Keys written before this existed stay readable; they were never encrypted.
/// </summary>
internal sealed class MasterKeyXmlEncryptor(SecretProtector protector) : IXmlEncryptor
{
    /// <summary>The associated data of a sealed key: its ciphertext opens for nothing else.</summary>
    internal const string Purpose = "dataprotection-key";

    /// <summary>The element the sealed key is written as.</summary>
    internal static readonly XName Element = "evertokenSealedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var sealedKey = protector.Protect(plaintextElement.ToString(SaveOptions.DisableFormatting), Purpose);
        var element = new XElement(
            Element,
            new XComment(" Sealed with the Evertoken master key (EVERTOKEN__MasterKey__Key or the key file). "),
            new XElement("value", sealedKey));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>
/// Opens a key sealed by <see cref="MasterKeyXmlEncryptor"/> with any key of the master key ring (so a rotated master
/// key still opens keys sealed with its predecessor). Data Protection creates it by type name with the host's services.
/// </summary>
internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var value = encryptedElement.Element("value")?.Value
            ?? throw new InvalidOperationException($"A Data Protection key element <{encryptedElement.Name}> has no <value>.");
        var protector = services.GetRequiredService<SecretProtector>();
        return XElement.Parse(protector.Unprotect(value, MasterKeyXmlEncryptor.Purpose));
    }
}
