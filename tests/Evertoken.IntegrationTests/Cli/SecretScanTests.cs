using Evertoken.Emulator;
using Evertoken.Server.Cli;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// The secret scan that every CLI test runs (see <see cref="CliDriver"/>) really catches leaks, and <c>--verbose</c>
/// really logs, so the scan of standard error is not vacuous.
/// </summary>
public sealed class SecretScanTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CliDriver _cli = new(fixture.Emulator);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void The_scan_flags_a_secret_on_standard_error_even_url_escaped()
    {
        var token = _cli.Sample.AppToken;

        Should.Throw<ShouldAssertException>(() => _cli.ShouldKeepSecrets(new CliResult([], 0, "", $"dbug: calling debug_token?input_token={token}")));
        Should.Throw<ShouldAssertException>(() => _cli.ShouldKeepSecrets(new CliResult([], 0, "", $"GET /debug_token?input_token={Uri.EscapeDataString(token)}")));
        Should.Throw<ShouldAssertException>(() => _cli.ShouldKeepSecrets(new CliResult([], 0, "", $"secret {_cli.Sample.AppSecret}")));
    }

    [Fact]
    public void The_scan_allows_a_token_on_standard_output_only_for_the_run_that_prints_it()
    {
        var printed = new CliResult([], 0, _cli.Sample.SystemUserToken + "\n", "");
        Should.Throw<ShouldAssertException>(() => _cli.ShouldKeepSecrets(printed));

        printed.AllowedOnStdout.Add(_cli.Sample.SystemUserToken);
        _cli.ShouldKeepSecrets(printed);

        var alsoOnStderr = new CliResult([], 0, _cli.Sample.SystemUserToken, _cli.Sample.SystemUserToken);
        alsoOnStderr.AllowedOnStdout.Add(_cli.Sample.SystemUserToken);
        Should.Throw<ShouldAssertException>(() => _cli.ShouldKeepSecrets(alsoOnStderr));
    }

    [Fact]
    public async Task Verbose_logs_go_to_standard_error_with_fingerprints_only()
    {
        _cli.WithApp();
        var token = _cli.Emulator.State.MintToken(new TokenSpec
        {
            AppId = _cli.Sample.AppId,
            Kind = EmulatorTokenKind.SystemUser,
            Lifetime = TokenLifetime.SixtyDays,
            UserId = _cli.Sample.SystemUserId,
            Scopes = ["whatsapp_business_messaging"],
        }).AccessToken;
        _cli.Track(token);
        (await _cli.RunAsync("token", "add", "logged", token)).ShouldExitWith(ExitCodes.Ok);

        var rotate = (await _cli.RunAsync("token", "rotate", "logged")).ShouldExitWith(ExitCodes.Ok);

        rotate.Error.ShouldContain("Evertoken.Tokens.TokenKeeper: Renewing token logged version 1");
        rotate.Error.ShouldContain(TokenFingerprint.Of(token));

        // The same run without --verbose logs nothing below Warning.
        var quiet = await RunQuietAsync("token", "rotate", "logged");
        quiet.ExitCode.ShouldBe(ExitCodes.Ok, quiet.Error);
        quiet.Error.ShouldBeEmpty();
    }

    private async Task<(int ExitCode, string Error)> RunQuietAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var host = new CliHost
        {
            Out = output,
            Error = error,
            Environment = new Dictionary<string, string>(_cli.Environment, StringComparer.Ordinal),
            WorkingDirectory = _cli.WorkingDirectory,
            Time = _cli.Emulator.Clock,
        };
        var code = await EvertokenCli.RunAsync([.. args, "--data-dir", _cli.DataDir], host, TestContext.Current.CancellationToken);
        return (code, error.ToString());
    }
}
