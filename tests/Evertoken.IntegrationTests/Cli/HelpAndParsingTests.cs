using Evertoken.Server.Cli;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary><c>--help</c> lists every command and global option; a command line that does not parse is a one-line error.</summary>
public sealed class HelpAndParsingTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CliDriver _cli = new(fixture.Emulator);

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Root_help_lists_every_command_and_global_option()
    {
        var run = (await _cli.RunAsync("--help")).ShouldExitWith(ExitCodes.Ok);

        run.Out.ShouldContain("Evertoken keeps Meta WhatsApp Cloud API tokens alive");
        CommandNames(run.Out).ShouldBe(["inspect", "doctor", "exchange", "app-token", "system-user", "token", "emulator", "serve", "sandbox", "send", "webhooks"]);
        foreach (var option in new[] { "--graph-url", "--graph-version", "--data-dir", "--json", "--verbose", "--help" })
        {
            run.Out.ShouldContain(option);
        }

        run.Error.ShouldBeEmpty();
    }

    [Fact]
    public async Task Token_help_lists_its_seven_subcommands()
    {
        var run = (await _cli.RunAsync("token", "--help")).ShouldExitWith(ExitCodes.Ok);

        CommandNames(run.Out).ShouldBe(["add", "list", "show", "check", "rotate", "remove", "reveal"]);
        run.Out.ShouldContain("values are never printed, except by 'reveal'");
    }

    [Fact]
    public async Task System_user_help_lists_token_and_its_options_say_where_they_default_from()
    {
        (await _cli.RunAsync("system-user", "--help")).ShouldExitWith(ExitCodes.Ok).Out.ShouldContain("token");

        var run = (await _cli.RunAsync("system-user", "token", "--help")).ShouldExitWith(ExitCodes.Ok);
        run.Out.ShouldContain("--system-user-id");
        run.Out.ShouldContain("--expires");
        run.Out.ShouldContain("60d");
        run.Out.ShouldContain("ADMIN_ACCESS_TOKEN");
    }

    [Fact]
    public async Task Doctor_help_names_the_token_variables_it_reads()
    {
        var run = (await _cli.RunAsync("doctor", "--help")).ShouldExitWith(ExitCodes.Ok);

        foreach (var name in CliContext.TokenVariables.Append("WHATSAPP_PHONE_NUMBER_ID").Append("APP_ID"))
        {
            run.Out.ShouldContain(name);
        }
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_that_points_to_help()
    {
        var run = (await _cli.RunAsync("inspekt")).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("error: ");
        run.Error.ShouldContain("inspekt");
        run.Error.ShouldContain("See 'evertoken --help'");
    }

    [Fact]
    public async Task A_token_pasted_where_no_argument_is_expected_is_not_echoed_back()
    {
        var run = (await _cli.RunAsync("app-token", _cli.Sample.SystemUserToken)).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("Unrecognized command or argument");
        run.Error.ShouldContain(TokenFingerprint.Of(_cli.Sample.SystemUserToken));
        run.Error.ShouldContain("See 'evertoken app-token --help'");
    }

    [Fact]
    public async Task A_bad_option_value_is_a_usage_error()
    {
        var run = (await _cli.RunAsync("system-user", "token", "--expires", "30d")).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("30d");
        run.Error.ShouldContain("See 'evertoken system-user token --help'");
    }

    [Fact]
    public async Task A_graph_url_that_is_not_http_is_a_usage_error()
    {
        var run = (await _cli.RunAsync("inspect", _cli.Sample.SystemUserToken, "--graph-url", "ftp://example.org")).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("not an http(s) URL");
    }

    /// <summary>The names listed under "Commands:" in help text, in order.</summary>
    private static List<string> CommandNames(string help)
    {
        var lines = help.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith("Commands:", StringComparison.Ordinal));
        start.ShouldBeGreaterThanOrEqualTo(0, help);
        return [.. lines.Skip(start + 1)
            .TakeWhile(l => l.Length > 0)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && l.Length > 2 && l[2] != ' ')
            .Select(l => l.Trim().Split(' ')[0])];
    }
}
