using System.Security.Cryptography;

namespace Evertoken.Emulator.Internal;

/// <summary>Random ids, secrets and token bodies.</summary>
internal static class RandomText
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string TraceAlphabet = Base62 + "-_";

    /// <summary>A user/Page/system-user token: "EAA" and base62, 180 characters in all, like real ones.</summary>
    public static string EaaToken() => "EAA" + RandomNumberGenerator.GetString(Base62, 177);

    /// <summary>The opaque half of an app token (<c>{app-id}|{opaque}</c>).</summary>
    public static string AppTokenSignature() => RandomNumberGenerator.GetString(Base62 + "-_", 27);

    /// <summary>An app secret: 32 lowercase hex characters, like Meta's.</summary>
    public static string AppSecret() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>An Embedded Signup code.</summary>
    public static string SignupCode() => "AQ" + RandomNumberGenerator.GetString(Base62 + "-_", 200);

    /// <summary>An <c>fbtrace_id</c>: opaque, 23 characters like current ones.</summary>
    public static string TraceId() => "A" + RandomNumberGenerator.GetString(TraceAlphabet, 22);

    /// <summary>A numeric id of <paramref name="digits"/> digits with no leading zero.</summary>
    public static string NumericId(int digits) =>
        RandomNumberGenerator.GetString("123456789", 1) + RandomNumberGenerator.GetString("0123456789", digits - 1);
}
