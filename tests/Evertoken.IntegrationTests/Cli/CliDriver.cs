using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Evertoken.Emulator;
using Evertoken.Server.Cli;
using Evertoken.Storage;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// Runs the CLI in-process against an emulator, as a person would in a fresh folder: its own working folder (for
/// <c>.env</c>), data folder, master key and environment (never the process's), the emulator's clock, and
/// <c>--verbose</c> on every run. Every run is scanned for every secret the test knows (the sample tokens, the app
/// secret, the master key and each token a command issued): a secret may appear only on the standard output of the
/// run whose purpose is to print it, and never on standard error. Tracking a new secret re-scans all earlier runs.
/// </summary>
internal sealed partial class CliDriver : IDisposable
{
    private readonly HashSet<string> _secrets = new(StringComparer.Ordinal);
    private readonly List<CliResult> _runs = [];

    public CliDriver(EmulatorHost emulator)
    {
        Emulator = emulator;
        Root = Directory.CreateTempSubdirectory("evertoken-cli-").FullName;
        WorkingDirectory = Directory.CreateDirectory(Path.Combine(Root, "work")).FullName;
        DataDir = Path.Combine(Root, "data");
        MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Environment = new(StringComparer.Ordinal)
        {
            ["HOME"] = Path.Combine(Root, "home"),
            ["EVERTOKEN__GRAPH__BASEURL"] = emulator.BaseUrl.ToString(),
            [MasterKeyOptions.KeyEnvironmentVariable] = MasterKey,
        };

        var s = emulator.Sample;
        Track(s.AppSecret, MasterKey, s.SystemUserToken, s.SystemUserToken60Days, s.UserTokenShortLived, s.UserToken60Days, s.AppToken,
            s.TokenWithoutMessaging, s.OtherWabaToken);
    }

    public EmulatorHost Emulator { get; }

    public SampleWorld Sample => Emulator.Sample;

    /// <summary>The temp folder holding everything below; deleted on dispose.</summary>
    public string Root { get; }

    /// <summary>The CLI's working folder, where it reads <c>.env</c>.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The data folder passed as <c>--data-dir</c>.</summary>
    public string DataDir { get; }

    /// <summary>The master key in <c>EVERTOKEN_MASTER_KEY</c> (base64 of 32 bytes).</summary>
    public string MasterKey { get; }

    /// <summary>The CLI's environment; tests add APP_ID and the like.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>Every run so far.</summary>
    public IReadOnlyList<CliResult> Runs => _runs;

    /// <summary>Puts the sample app's id and secret in the environment.</summary>
    public CliDriver WithApp()
    {
        Environment["APP_ID"] = Sample.AppId;
        Environment["APP_SECRET"] = Sample.AppSecret;
        return this;
    }

    /// <summary>Writes <c>./.env</c> in the working folder.</summary>
    public void WriteDotEnv(params (string Name, string Value)[] variables) =>
        File.WriteAllLines(Path.Combine(WorkingDirectory, ".env"), variables.Select(v => $"{v.Name}={v.Value}"));

    /// <summary>Runs <c>evertoken ARGS --data-dir DATA --verbose</c> and scans its output for secrets.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="stdin"/> as standard input.</summary>
    public async Task<CliResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost
        {
            Out = output,
            Error = error,
            In = new StringReader(stdin ?? ""),
            Environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal),
            WorkingDirectory = WorkingDirectory,
            Time = Emulator.Clock,
        };
        string[] full = [.. args, "--data-dir", DataDir, "--verbose"];
        var code = await EvertokenCli.RunAsync(full, host, TestContext.Current.CancellationToken);
        var result = new CliResult(full, code, output.ToString(), error.ToString());
        _runs.Add(result);
        ShouldHaveNoStackTrace(result);
        ShouldKeepSecrets(result);
        return result;
    }

    /// <summary>
    /// Adds secrets to watch for and re-scans every earlier run. With <paramref name="printedBy"/>, the value is the
    /// new token that run printed: it must be on that run's standard output, and nowhere else.
    /// </summary>
    public void Track(string value, CliResult printedBy)
    {
        printedBy.Out.ShouldContain(value, customMessage: "the command should have printed the token on standard output");
        printedBy.AllowedOnStdout.Add(value);
        Track(value);
    }

    /// <inheritdoc cref="Track(string, CliResult)"/>
    public void Track(params string[] values)
    {
        foreach (var value in values)
        {
            value.ShouldNotBeNullOrWhiteSpace();
            _secrets.Add(value);
        }

        foreach (var run in _runs)
        {
            ShouldKeepSecrets(run);
        }
    }

    /// <summary>Opens the data folder's store directly, with the same master key, to look at what the CLI wrote.</summary>
    public Task<SqliteTokenStore> OpenStoreAsync() =>
        SqliteTokenStore.OpenAsync(Path.Combine(DataDir, EvertokenPaths.DatabaseFileName),
            MasterKeyProvider.CreateProtector(new MasterKeyOptions { Key = MasterKey }), Emulator.Clock, TestContext.Current.CancellationToken);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; a failed test should show its own failure, not this one.
        }
    }

    /// <summary>Asserts that <paramref name="run"/> shows no tracked secret except where allowed (see the class summary).</summary>
    public void ShouldKeepSecrets(CliResult run)
    {
        foreach (var secret in _secrets)
        {
            // A token in a URL would be escaped (an app token's '|' becomes %7C): look for both spellings.
            foreach (var form in new[] { secret, Uri.EscapeDataString(secret) }.Distinct())
            {
                run.Error.Contains(form, StringComparison.Ordinal).ShouldBeFalse($"a secret ({Fingerprint(secret)}) leaked to standard error of:\n{run}");
                if (!run.AllowedOnStdout.Contains(secret))
                {
                    run.Out.Contains(form, StringComparison.Ordinal).ShouldBeFalse($"a secret ({Fingerprint(secret)}) leaked to standard output of:\n{run}");
                }
            }
        }
    }

    private static void ShouldHaveNoStackTrace(CliResult run) =>
        StackFrame().IsMatch(run.All).ShouldBeFalse($"a stack trace in:\n{run}");

    private static string Fingerprint(string secret) => Evertoken.Tokens.TokenFingerprint.Of(secret);

    // "   at Namespace.Type.Method(...)": a .NET stack frame.
    [GeneratedRegex(@"^\s+at [\w.`<>\[\]]+\.[\w`<>|]+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
