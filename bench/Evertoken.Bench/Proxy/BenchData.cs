using System.Security.Cryptography;
using System.Text;

namespace Evertoken.Bench.Proxy;

/// <summary>The fixed answers and credentials every part of the bench agrees on.</summary>
internal static class BenchData
{
    public const string AdminKey = "eta_bench_admin_key_0123456789abcdef0123456789";
    public const string TokenName = "main";
    public const string AppId = "634974688087057";
    public const string PhoneNumberId = "106853218861309";
    public const string GraphPath = "/v25.0/" + PhoneNumberId;

    /// <summary>A phone number node as Graph answers it (reference fixture response.get-phone-number.json).</summary>
    public static readonly byte[] PhoneNumber = Encoding.UTF8.GetBytes(
        """{"id":"106853218861309","display_phone_number":"+1 555-555-5555","verified_name":"Jaspers Market","quality_rating":"GREEN","name_status":"APPROVED","code_verification_status":"VERIFIED"}""");

    /// <summary>debug_token of a never-expiring system-user token (reference fixture debug_token-system-user-never.json).</summary>
    public static readonly byte[] DebugToken = Encoding.UTF8.GetBytes(
        """{"data":{"app_id":"634974688087057","type":"SYSTEM_USER","application":"Lucky Shrub","data_access_expires_at":0,"expires_at":0,"is_valid":true,"issued_at":1712099387,"scopes":["whatsapp_business_management","whatsapp_business_messaging"],"granular_scopes":[{"scope":"whatsapp_business_management"},{"scope":"whatsapp_business_messaging"}],"user_id":"104169029247128"}}""");

    /// <summary>A token value shaped like Meta's (EAA..., about 200 characters).</summary>
    public static string NewToken() => "EAAJ" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(150)).Replace('+', 'Z').Replace('/', 'Y').TrimEnd('=');

    /// <summary>What <c>GET /v1/tokens/{name}/value</c> answers, for the plain endpoint beside it.</summary>
    public static byte[] TokenValueJson(string token) => Encoding.UTF8.GetBytes(
        $$"""{"name":"main","version":1,"value":"{{token}}","appSecretProof":"{{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))}}"}""");
}
