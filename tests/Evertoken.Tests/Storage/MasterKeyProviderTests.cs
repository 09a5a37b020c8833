using System.Security.Cryptography;
using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

public sealed class MasterKeyProviderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Without_a_key_or_key_file_a_new_owner_only_key_file_is_created_and_reused()
    {
        var keyFile = _folder.File("master.key");

        var created = MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile });

        created.Source.ShouldBe(MasterKeySource.CreatedKeyFile);
        created.KeyFile.ShouldBe(keyFile);
        Convert.FromBase64String(File.ReadAllText(keyFile).Trim()).Length.ShouldBe(32);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(keyFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var again = MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile });
        again.Source.ShouldBe(MasterKeySource.KeyFile);
        again.Protector.PrimaryKeyId.ShouldBe(created.Protector.PrimaryKeyId);
        Directory.GetFiles(_folder.Path).ShouldBe([keyFile]);
    }

    [Fact]
    public void The_key_files_folder_is_created_owner_only_when_missing()
    {
        var keyFile = _folder.File(Path.Combine("data", "master.key"));

        MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile }).Source.ShouldBe(MasterKeySource.CreatedKeyFile);

        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.GetDirectoryName(keyFile)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task Processes_creating_the_key_file_at_once_all_end_up_with_the_same_key()
    {
        // Many rounds, because a check-then-rename race shows only now and then.
        for (var round = 0; round < 25; round++)
        {
            var keyFile = _folder.File($"round-{round}/master.key");
            using var start = new Barrier(8);

            var loaded = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait(TestContext.Current.CancellationToken);
                    return MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile });
                },
                TestContext.Current.CancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default)));

            var onDisk = SecretProtector.KeyIdOf(Convert.FromBase64String(File.ReadAllText(keyFile).Trim()));
            loaded.ShouldAllBe(l => l.Protector.PrimaryKeyId == onDisk);
            loaded.Count(l => l.Source == MasterKeySource.CreatedKeyFile).ShouldBe(1);
            Directory.GetFiles(Path.GetDirectoryName(keyFile)!, "*", SearchOption.AllDirectories).ShouldBe([keyFile]);
        }
    }

    [Fact]
    public void A_configured_key_wins_over_the_key_file()
    {
        var keyFile = _folder.File("master.key");
        File.WriteAllText(keyFile, SecretProtector.GenerateKey());
        var configured = SecretProtector.GenerateKey();

        var loaded = MasterKeyProvider.Load(new MasterKeyOptions { Key = configured, KeyFile = keyFile });

        loaded.Source.ShouldBe(MasterKeySource.Configured);
        loaded.KeyFile.ShouldBeNull();
        loaded.Protector.PrimaryKeyId.ShouldBe(SecretProtector.KeyIdOf(Convert.FromBase64String(configured)));
    }

    [Fact]
    public void An_existing_key_file_is_read_with_surrounding_whitespace()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var keyFile = _folder.File("master.key");
        File.WriteAllText(keyFile, "  " + Convert.ToBase64String(key) + "\r\n");

        var loaded = MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile });

        loaded.Source.ShouldBe(MasterKeySource.KeyFile);
        loaded.Protector.PrimaryKeyId.ShouldBe(SecretProtector.KeyIdOf(key));
    }

    [Fact]
    public void Options_come_from_the_environment_variables()
    {
        var key = SecretProtector.GenerateKey();
        var old1 = SecretProtector.GenerateKey();
        var old2 = SecretProtector.GenerateKey();
        var env = new Dictionary<string, string>
        {
            ["EVERTOKEN_MASTER_KEY"] = key,
            ["EVERTOKEN_PREVIOUS_MASTER_KEYS"] = $" {old1}, {old2} ,",
            ["EVERTOKEN_DATA"] = _folder.Path,
        };

        var options = MasterKeyOptions.FromEnvironment(env.GetValueOrDefault);
        var loaded = MasterKeyProvider.Load(options);

        options.Key.ShouldBe(key);
        options.PreviousKeys.ShouldBe([old1, old2]);
        options.KeyFile.ShouldBe(_folder.File("master.key"));
        loaded.Protector.KeyIds.Count.ShouldBe(3);
        options.ToString().ShouldNotContain(key);
    }

    [Theory]
    [InlineData("this is not base64!", "not base64")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==", "decodes to 16 bytes")]
    public void A_malformed_EVERTOKEN_MASTER_KEY_says_what_is_expected_without_echoing_it(string badKey, string why)
    {
        var options = MasterKeyOptions.FromEnvironment(new Dictionary<string, string> { ["EVERTOKEN_MASTER_KEY"] = badKey, ["EVERTOKEN_DATA"] = _folder.Path }.GetValueOrDefault);

        var ex = Should.Throw<MasterKeyException>(() => MasterKeyProvider.Load(options));

        ex.Message.ShouldContain("EVERTOKEN_MASTER_KEY");
        ex.Message.ShouldContain("32 random bytes");
        ex.Message.ShouldContain("base64");
        ex.Message.ShouldContain(why);
        ex.Message.ShouldNotContain(badKey);
        File.Exists(_folder.File("master.key")).ShouldBeFalse();
    }

    [Fact]
    public void A_malformed_previous_key_names_its_position()
    {
        var options = new MasterKeyOptions { Key = SecretProtector.GenerateKey(), PreviousKeys = [SecretProtector.GenerateKey(), "nope"] };

        Should.Throw<MasterKeyException>(() => MasterKeyProvider.Load(options)).Message.ShouldContain("EVERTOKEN_PREVIOUS_MASTER_KEYS entry #2");
    }

    [Fact]
    public void A_malformed_key_file_names_the_file()
    {
        var keyFile = _folder.File("master.key");
        File.WriteAllText(keyFile, "garbage");

        var ex = Should.Throw<MasterKeyException>(() => MasterKeyProvider.Load(new MasterKeyOptions { KeyFile = keyFile }));

        ex.Message.ShouldContain(keyFile);
        ex.Message.ShouldContain("32 random bytes");
    }
}
