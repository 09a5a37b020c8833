using System.Security.Cryptography;
using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.Tests.Storage;

/// <summary>Test data for the store tests: realistic-looking, unique token values and secrets.</summary>
public static class StoreTestData
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A unique value shaped like a Meta token (EAA… and ~200 characters).</summary>
    public static string TokenValue() => "EAAG" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 196);

    /// <summary>A unique 32-hex-character app secret, like Meta's.</summary>
    public static string AppSecret() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    public static TokenVersionData Version(string? value = null, string source = "added", DateTimeOffset? expiresAt = null) => new()
    {
        Value = value ?? TokenValue(),
        Kind = TokenKind.SystemUser,
        IssuedAt = Start.AddDays(-1),
        ExpiresAt = expiresAt,
        Source = source,
    };

    public static NewManagedToken NewToken(string name, string? value = null) => new()
    {
        Name = name,
        AppId = "1234567890123456",
        PhoneNumberId = "106540352242922",
        WabaId = "102290129340398",
        Version = Version(value),
        SettingsJson = """{"sinks":["dotenv"]}""",
    };

    public static SecretProtector NewProtector(params byte[][] previousKeys) =>
        new(RandomNumberGenerator.GetBytes(SecretProtector.KeySize), previousKeys);
}
