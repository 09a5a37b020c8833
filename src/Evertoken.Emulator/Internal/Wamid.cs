using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// WhatsApp message ids. Real ones are <c>wamid.</c> plus base64 of a small binary record holding the user's number,
/// a direction byte (0x11 outbound, 0x12 inbound) and a random hex id (decoded from the fixtures'
/// <c>wamid.HBgL...</c> values); the emulator builds the same layout so ids look and decode alike.
/// </summary>
internal static class Wamid
{
    public static string New(string waId, bool inbound)
    {
        var digits = Encoding.ASCII.GetBytes(waId.Length is > 0 and < 64 ? waId : "0");
        var hex = Encoding.ASCII.GetBytes(RandomNumberGenerator.GetHexString(inbound ? 20 : 18));
        var bytes = new List<byte>(digits.Length + hex.Length + 10) { 0x1C, 0x18, (byte)digits.Length };
        bytes.AddRange(digits);
        bytes.AddRange([0x15, 0x02, 0x00, inbound ? (byte)0x12 : (byte)0x11, 0x18, (byte)hex.Length]);
        bytes.AddRange(hex);
        bytes.Add(0x00);
        return "wamid." + Convert.ToBase64String([.. bytes]);
    }
}
