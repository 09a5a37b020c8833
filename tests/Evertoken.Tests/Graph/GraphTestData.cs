using System.Security.Cryptography;
using System.Text;
using Evertoken.Graph;

namespace Evertoken.Tests.Graph;

/// <summary>Fake credentials and ids shared by the Graph tests. None of them is real.</summary>
internal static class GraphTestData
{
    public const string AppId = "634974688087057";
    public const string AppSecret = "fake-app-secret-4f1b2c3d4e5f6a7b";
    public const string CallerToken = "EAAFAKEcallerTokenxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxZDZD";
    public const string InputToken = "EAAFAKEinputTokenyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyZDZD";
    public const string AdminToken = "EAAFAKEadminTokenzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzZDZD";
    public const string SystemUserId = "104169029247128";
    public const string WabaId = "102290129340398";
    public const string PhoneNumberId = "106853218861309";
    public const string BusinessId = "2729063490586005";

    public static readonly Uri BaseUrl = new("https://graph.test/");

    public static AppCredentials App => new(AppId, AppSecret);

    /// <summary>The proof computed here, independently of <see cref="AppSecretProof"/>.</summary>
    public static string ExpectedProof(string secret, string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(message)));
}
