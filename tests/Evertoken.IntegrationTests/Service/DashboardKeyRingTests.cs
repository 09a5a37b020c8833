using System.Security.Cryptography;
using Evertoken.Server.Dashboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.IntegrationTests.Service;

/// <summary>
/// The keys behind the dashboard's cookies live in the data folder sealed with the master key: a restart with the same
/// key opens them, a copy of the folder under another master key does not, and no key is on disk in the clear.
/// </summary>
public class DashboardKeyRingTests
{
    private const string Purpose = "dashboard-key-ring-test";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cookie_keys_are_sealed_with_the_master_key_and_open_after_a_restart()
    {
        using var data = new TempDirectory();
        var masterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var config = new Dictionary<string, string?> { ["DataFolder"] = data.Path, ["MasterKey:Key"] = masterKey };

        string protectedText;
        await using (var first = await TestService.StartAsync(config))
        {
            protectedText = Protector(first).Protect("signed in as admin");
        }

        var files = Directory.GetFiles(Path.Combine(data.Path, DashboardExtensions.KeyRingFolder), "*.xml");
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            var xml = await File.ReadAllTextAsync(file, Ct);
            xml.ShouldNotContain("<masterKey", customMessage: "the key's secret is written in the clear");
            xml.ShouldContain("encryptedSecret");
            xml.ShouldContain("MasterKeyXmlDecryptor");
        }

        await using var second = await TestService.StartAsync(config);
        Protector(second).Unprotect(protectedText).ShouldBe("signed in as admin");
    }

    [Fact]
    public async Task A_copied_key_ring_does_not_open_under_another_master_key()
    {
        using var data = new TempDirectory();
        string protectedText;
        await using (var owner = await TestService.StartAsync(new Dictionary<string, string?> { ["DataFolder"] = data.Path }))
        {
            protectedText = Protector(owner).Protect("signed in as admin");
        }

        // Only the key ring is copied: another data folder, another master key.
        using var thief = new TempDirectory();
        var ring = Path.Combine(thief.Path, DashboardExtensions.KeyRingFolder);
        Directory.CreateDirectory(ring);
        foreach (var file in Directory.GetFiles(Path.Combine(data.Path, DashboardExtensions.KeyRingFolder)))
        {
            File.Copy(file, Path.Combine(ring, Path.GetFileName(file)));
        }

        await using var other = await TestService.StartAsync(new Dictionary<string, string?> { ["DataFolder"] = thief.Path });
        Should.Throw<CryptographicException>(() => Protector(other).Unprotect(protectedText));
    }

    private static IDataProtector Protector(TestService service) =>
        service.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
}
