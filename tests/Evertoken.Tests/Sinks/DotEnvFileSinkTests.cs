using System.Runtime.Versioning;
using System.Text;
using Evertoken.Sinks;

namespace Evertoken.Tests.Sinks;

public sealed class DotEnvFileSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("evertoken-dotenv-").FullName;

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(_folder, recursive: true);
    }

    private const string Realistic =
        "# WhatsApp Cloud API settings\n" +
        "# (rotated by evertoken)\n" +
        "\n" +
        "export APP_ID=123456789012345\n" +
        "APP_SECRET='s3cr3t with spaces'\n" +
        "WHATSAPP_ACCESS_TOKEN=\"EAAoldtokenvalue\"   # managed, do not edit\n" +
        "  WHATSAPP_PHONE_NUMBER_ID = 106540352242922\n" +
        "\n" +
        "DATABASE_URL=\"postgres://u:p@db/app?sslmode=require\"\n" +
        "PRIVATE_KEY=\"-----BEGIN KEY-----\n" +
        "WHATSAPP_ACCESS_TOKEN=this-is-inside-a-quoted-value\n" +
        "-----END KEY-----\"\n" +
        "EMPTY=\n" +
        "# trailing comment without newline at the end";

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task A_realistic_file_round_trips_with_only_the_token_line_changed()
    {
        var path = Write(".env", Realistic);
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        var result = await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.ShouldBe(SinkResult.Ok);
        var expected = Realistic.Replace(
            "WHATSAPP_ACCESS_TOKEN=\"EAAoldtokenvalue\"   # managed",
            $"WHATSAPP_ACCESS_TOKEN=\"{TestTokens.Value}\"   # managed",
            StringComparison.Ordinal);
        File.ReadAllText(path).ShouldBe(expected);
    }

    [Fact]
    public async Task The_rewritten_file_reads_back_the_new_value_with_DotNetEnv()
    {
        var path = Write(".env", "# app\nexport WHATSAPP_ACCESS_TOKEN='old'\nOTHER=1\n");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        (await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken)).Success.ShouldBeTrue();

        var values = DotNetEnv.Env.NoEnvVars().Load(path).ToDictionary(p => p.Key, p => p.Value);
        values["WHATSAPP_ACCESS_TOKEN"].ShouldBe(TestTokens.Value);
        values["OTHER"].ShouldBe("1");
        File.ReadAllText(path).ShouldBe($"# app\nexport WHATSAPP_ACCESS_TOKEN='{TestTokens.Value}'\nOTHER=1\n");
    }

    [Fact]
    public async Task Every_duplicate_assignment_is_updated_so_first_wins_and_last_wins_loaders_agree()
    {
        var path = Write(".env", "WHATSAPP_ACCESS_TOKEN=first\nA=1\nexport WHATSAPP_ACCESS_TOKEN=second\n");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        File.ReadAllText(path).ShouldBe(
            $"WHATSAPP_ACCESS_TOKEN={TestTokens.Value}\nA=1\nexport WHATSAPP_ACCESS_TOKEN={TestTokens.Value}\n");
    }

    [Fact]
    public async Task An_absent_variable_is_appended_and_CRLF_endings_are_kept()
    {
        var path = Write(".env", "A=1\r\nB=2");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions
        {
            Path = path,
            WritePhoneNumberId = true,
        });

        await sink.PushAsync(TestTokens.Push(phoneNumberId: "106540352242922"), TestContext.Current.CancellationToken);

        File.ReadAllText(path).ShouldBe(
            $"A=1\r\nB=2\r\nWHATSAPP_ACCESS_TOKEN={TestTokens.Value}\r\nWHATSAPP_PHONE_NUMBER_ID=106540352242922\r\n");
    }

    [Fact]
    public async Task The_phone_number_id_is_not_written_unless_asked()
    {
        var path = Write(".env", "WHATSAPP_PHONE_NUMBER_ID=1\n");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        await sink.PushAsync(TestTokens.Push(phoneNumberId: "2"), TestContext.Current.CancellationToken);

        File.ReadAllText(path).ShouldBe($"WHATSAPP_PHONE_NUMBER_ID=1\nWHATSAPP_ACCESS_TOKEN={TestTokens.Value}\n");
    }

    [Fact]
    public async Task A_missing_file_is_created_owner_only()
    {
        var path = Path.Combine(_folder, "new.env");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path, VariableName = "ACCESS_TOKEN" });

        var result = await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.ShouldBe(SinkResult.Ok);
        File.ReadAllText(path).ShouldBe($"ACCESS_TOKEN={TestTokens.Value}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.GetFiles(_folder).ShouldBe([path]); // no temporary file left behind
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_existing_file_keeps_its_mode_and_its_byte_order_mark()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = Path.Combine(_folder, ".env");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("WHATSAPP_ACCESS_TOKEN=old\n")]);
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
        File.SetUnixFileMode(path, mode);
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        File.GetUnixFileMode(path).ShouldBe(mode);
        File.ReadAllBytes(path).ShouldBe([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes($"WHATSAPP_ACCESS_TOKEN={TestTokens.Value}\n")]);
    }

    [Fact]
    public async Task A_symbolic_link_is_followed_and_stays_a_link()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "symbolic links need privileges on Windows");
        var target = Write("real.env", "WHATSAPP_ACCESS_TOKEN=old\n");
        var link = Path.Combine(_folder, ".env");
        File.CreateSymbolicLink(link, target);
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = link });

        await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        new FileInfo(link).LinkTarget.ShouldBe(target);
        File.ReadAllText(target).ShouldBe($"WHATSAPP_ACCESS_TOKEN={TestTokens.Value}\n");
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_unwritable_folder_is_a_permanent_failure_that_names_the_path_but_not_the_token()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        string folder;
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
        {
            // root ignores file modes; sysfs refuses new files even to root.
            folder = "/sys";
            Assert.SkipUnless(Directory.Exists(folder), "needs /sys when running as root");
        }
        else
        {
            folder = Path.Combine(_folder, "locked");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var path = Path.Combine(folder, "evertoken-test.env");
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = path });

        var result = await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.Success.ShouldBeFalse();
        result.Retryable.ShouldBeFalse(result.Error);
        result.Error.ShouldNotBeNull();
        result.Error.ShouldContain("permission denied");
        result.Error.ShouldContain(path);
        result.Error.ShouldNotContain(TestTokens.Value);
        result.Error.ShouldNotContain(TestTokens.Value[..12]);
    }

    [Fact]
    public async Task A_missing_folder_is_a_permanent_failure()
    {
        var sink = new DotEnvFileSink(new DotEnvFileSinkOptions { Path = Path.Combine(_folder, "nope", ".env") });

        var result = await sink.PushAsync(TestTokens.Push(), TestContext.Current.CancellationToken);

        result.Retryable.ShouldBeFalse();
        result.Error!.ShouldContain("does not exist");
    }

    [Fact]
    public void Bad_options_are_rejected_with_every_problem_listed()
    {
        var ex = Should.Throw<ArgumentException>(() => new DotEnvFileSink(new DotEnvFileSinkOptions
        {
            Path = " ",
            VariableName = "1BAD",
        }));

        ex.Message.ShouldContain("file path");
        ex.Message.ShouldContain("'1BAD'");
    }
}
