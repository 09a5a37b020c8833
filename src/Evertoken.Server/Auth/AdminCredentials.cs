using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Evertoken.Storage;

namespace Evertoken.Server.Auth;

/// <summary>
/// The admin's API key and dashboard password, kept as hashes (SHA-256 for the random API key; PBKDF2 for the
/// password, which a person chooses) in <c>admin.json</c> in the data folder, owner-only.
/// </summary>
public sealed class AdminCredentials
{
    private const int Iterations = 210_000;

    private AdminCredentials(string keyHash, string passwordHash, string salt)
    {
        KeyHash = keyHash;
        PasswordHash = passwordHash;
        Salt = salt;
    }

    private string KeyHash { get; }

    private string PasswordHash { get; }

    private string Salt { get; }

    /// <summary>Values generated at this start (to print once), or null when they came from settings or the file.</summary>
    public (string? ApiKey, string? Password) Generated { get; private set; }

    /// <summary>Loads the credentials: settings win; else the file; else new random ones, saved hashed.</summary>
    public static AdminCredentials Load(string dataFolder, string? apiKey, string? password)
    {
        var path = Path.Combine(dataFolder, "admin.json");
        Stored? stored = File.Exists(path) ? JsonSerializer.Deserialize<Stored>(File.ReadAllText(path)) : null;
        string? newKey = null, newPassword = null;
        var salt = stored?.Salt ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var keyHash = apiKey is { Length: > 0 } ? Sha(apiKey) : stored?.KeyHash ?? Sha(newKey = "eta_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
        var passwordHash = password is { Length: > 0 } ? Pbkdf2(password, salt) : stored?.PasswordHash ?? Pbkdf2(newPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y'), salt);
        if (newKey is not null || newPassword is not null)
        {
            Directory.CreateDirectory(dataFolder);
            var json = JsonSerializer.Serialize(new Stored(keyHash, passwordHash, salt));
            var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, fileOptions);
            stream.Write(Encoding.UTF8.GetBytes(json));
        }

        return new AdminCredentials(keyHash, passwordHash, salt) { Generated = (newKey, newPassword) };
    }

    /// <summary>Checks an API key in constant time.</summary>
    public bool IsApiKey(string presented) => Equal(Sha(presented), KeyHash);

    /// <summary>Checks the dashboard password in constant time.</summary>
    public bool IsPassword(string presented) => Equal(Pbkdf2(presented, Salt), PasswordHash);

    private static bool Equal(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    private static string Sha(string value) => ClientKeySecret.Hash(value);

    private static string Pbkdf2(string password, string salt) =>
        Convert.ToBase64String(Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), Iterations, HashAlgorithmName.SHA256, 32));

    private sealed record Stored(string KeyHash, string PasswordHash, string Salt);
}
