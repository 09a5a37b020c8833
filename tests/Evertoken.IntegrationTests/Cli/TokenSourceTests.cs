using Evertoken.Server.Cli;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// Where the CLI finds the token and the app settings: the argument, standard input, the environment, or <c>./.env</c>
/// with the names people already use. The report's fingerprint shows which token was checked.
/// </summary>
public sealed class TokenSourceTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CliDriver _cli = new(fixture.Emulator);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task The_token_argument_is_the_token_checked()
    {
        var run = (await _cli.RunAsync("inspect", _cli.Sample.SystemUserToken, "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
    }

    [Fact]
    public async Task A_dash_reads_the_token_from_standard_input_trimming_the_line_break()
    {
        var run = (await _cli.RunWithInputAsync(_cli.Sample.SystemUserToken + "\n", "inspect", "-", "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
        ((string?)run.Json["verdict"]).ShouldBe("healthy");
    }

    [Fact]
    public async Task Without_an_argument_the_token_comes_from_the_environment()
    {
        _cli.Environment["WHATSAPP_ACCESS_TOKEN"] = _cli.Sample.SystemUserToken;

        var run = (await _cli.RunAsync("doctor", "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
    }

    [Theory]
    [InlineData("WHATSAPP_ACCESS_TOKEN")]
    [InlineData("ACCESS_TOKEN")]
    [InlineData("SYSTEM_USER_ACCESS_TOKEN")]
    public async Task A_dot_env_file_in_the_working_folder_gives_the_token_the_app_and_the_phone_number(string tokenVariable)
    {
        _cli.WriteDotEnv(
            (tokenVariable, _cli.Sample.SystemUserToken),
            ("APP_ID", _cli.Sample.AppId),
            ("APP_SECRET", _cli.Sample.AppSecret),
            ("WHATSAPP_PHONE_NUMBER_ID", _cli.Sample.PhoneNumberId));

        var run = (await _cli.RunAsync("doctor", "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
        run.Outcome(DiagnosisChecks.AppSecret).ShouldBe("pass");
        ((string)run.Check(DiagnosisChecks.AppSecret)["summary"]!).ShouldContain(_cli.Sample.AppId);
        run.Outcome(DiagnosisChecks.PhoneNumber).ShouldBe("pass");
        ((string)run.Check(DiagnosisChecks.PhoneNumber)["summary"]!).ShouldContain(_cli.Sample.PhoneNumberId);
    }

    [Fact]
    public async Task A_quoted_value_in_dot_env_is_read_without_its_quotes()
    {
        File.WriteAllText(Path.Combine(_cli.WorkingDirectory, ".env"), $"# WhatsApp settings\nWHATSAPP_ACCESS_TOKEN=\"{_cli.Sample.SystemUserToken}\"\n");

        var run = (await _cli.RunAsync("inspect", "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
    }

    [Fact]
    public async Task The_environment_wins_over_dot_env_and_the_argument_wins_over_both()
    {
        _cli.WriteDotEnv(("WHATSAPP_ACCESS_TOKEN", _cli.Sample.TokenWithoutMessaging));
        _cli.Environment["WHATSAPP_ACCESS_TOKEN"] = _cli.Sample.SystemUserToken60Days;

        var fromEnvironment = (await _cli.RunAsync("inspect", "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)fromEnvironment.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken60Days));

        var fromArgument = (await _cli.RunAsync("inspect", _cli.Sample.SystemUserToken, "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)fromArgument.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
    }

    [Fact]
    public async Task WHATSAPP_ACCESS_TOKEN_is_preferred_to_ACCESS_TOKEN()
    {
        _cli.WriteDotEnv(("ACCESS_TOKEN", _cli.Sample.TokenWithoutMessaging), ("WHATSAPP_ACCESS_TOKEN", _cli.Sample.SystemUserToken));

        var run = (await _cli.RunAsync("inspect", "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("doctor")]
    public async Task No_token_anywhere_is_a_usage_error_that_says_where_to_put_one(string command)
    {
        var run = (await _cli.RunAsync(command)).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("No token given");
        run.Error.ShouldContain("WHATSAPP_ACCESS_TOKEN");
        run.Error.ShouldContain("'-'");
    }

    [Fact]
    public async Task An_empty_standard_input_is_no_token()
    {
        var run = (await _cli.RunWithInputAsync("\n", "inspect", "-")).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("No token given");
    }
}
