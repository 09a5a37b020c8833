using Evertoken.Emulator;
using Evertoken.Server.Cli;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// <c>exchange</c>, <c>app-token</c> and <c>system-user token</c>: each new token is checked with the emulator, printed
/// alone on standard output (details on standard error) or saved without being shown.
/// </summary>
public sealed class IssuingCommandTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromSeconds(5_184_000);

    private readonly CliDriver _cli = new(fixture.Emulator);

    private SampleWorld Sample => _cli.Sample;

    private EmulatorState State => fixture.Emulator.State;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Exchange_turns_a_short_lived_user_token_into_a_60_day_token_printed_alone_on_standard_output()
    {
        _cli.WithApp();

        var run = (await _cli.RunAsync("exchange", Sample.UserTokenShortLived)).ShouldExitWith(ExitCodes.Ok);

        var token = run.Out.Trim();
        run.Out.ShouldBe(token + Environment.NewLine, "standard output holds the token alone, so it can be piped");
        _cli.Track(token, printedBy: run);
        token.ShouldNotBe(Sample.UserTokenShortLived);
        ShouldBeLive(token, EmulatorTokenKind.User, SixtyDays);
        run.Error.ShouldContain($"exchanged: {TokenFingerprint.Of(token)}, expires ");
        run.Error.ShouldContain("--save NAME");

        // And the CLI agrees: a valid user token with 60 days to go.
        var inspect = (await _cli.RunAsync("inspect", token, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        inspect.Json["valid"]!.GetValue<bool>().ShouldBeTrue();
        ((string?)inspect.Json["kind"]).ShouldBe("user");
        inspect.Json["expires_in_seconds"]!.GetValue<long>().ShouldBeGreaterThan((long)TimeSpan.FromDays(59).TotalSeconds);
    }

    [Fact]
    public async Task Exchange_with_json_prints_the_token_and_its_lifetime()
    {
        _cli.WithApp();

        var run = (await _cli.RunAsync("exchange", Sample.UserTokenShortLived, "--json")).ShouldExitWith(ExitCodes.Ok);

        var token = (string)run.Json["access_token"]!;
        _cli.Track(token, printedBy: run);
        run.Json["expires_in"]!.GetValue<double>().ShouldBeInRange(SixtyDays.TotalSeconds - 60, SixtyDays.TotalSeconds);
        ((string?)run.Json["fingerprint"]).ShouldBe(TokenFingerprint.Of(token));
        ShouldBeLive(token, EmulatorTokenKind.User, SixtyDays);
    }

    [Fact]
    public async Task Exchange_system_user_refreshes_a_60_day_system_user_token_and_the_old_one_keeps_working()
    {
        _cli.WithApp();
        var old = MintSystemUserToken(TokenLifetime.SixtyDays);
        _cli.Track(old);

        var run = (await _cli.RunAsync("exchange", old, "--system-user")).ShouldExitWith(ExitCodes.Ok);

        var token = run.Out.Trim();
        _cli.Track(token, printedBy: run);
        token.ShouldNotBe(old);
        ShouldBeLive(token, EmulatorTokenKind.SystemUser, SixtyDays);
        State.FindToken(old)!.InvalidationSubcode.ShouldBeNull();
        (await _cli.RunAsync("inspect", old)).ShouldExitWith(ExitCodes.Ok);
        (await _cli.RunAsync("inspect", token)).ShouldExitWith(ExitCodes.Ok);
    }

    [Fact]
    public async Task Exchange_of_an_expired_token_exits_2()
    {
        _cli.WithApp();
        var expired = State.MintToken(new TokenSpec { AppId = Sample.AppId, Kind = EmulatorTokenKind.User, Lifetime = TokenLifetime.Short, Scopes = ["whatsapp_business_messaging"] }).AccessToken;
        _cli.Track(expired);
        State.Invalidate(expired, 463).ShouldBeTrue();

        var run = (await _cli.RunAsync("exchange", expired)).ShouldExitWith(ExitCodes.TokenUnusable);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("error: The exchange failed: ");
        run.Error.ShouldContain("Graph code 190/463");
    }

    [Fact]
    public async Task Exchange_of_a_system_user_token_without_the_flag_fails_with_Metas_reason()
    {
        _cli.WithApp();

        var run = (await _cli.RunAsync("exchange", Sample.SystemUserToken60Days)).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("error: The exchange failed: ");
        run.Error.ShouldContain("set_token_expires_in_60_days");
    }

    [Fact]
    public async Task Exchange_code_turns_an_Embedded_Signup_code_into_a_business_token()
    {
        _cli.WithApp();
        var code = State.MintCode(Sample.AppId, wabaIds: [Sample.WabaId]).Code;
        _cli.Track(code);

        var run = (await _cli.RunAsync("exchange", "--code", code)).ShouldExitWith(ExitCodes.Ok);

        var token = run.Out.Trim();
        _cli.Track(token, printedBy: run);
        ShouldBeLive(token, EmulatorTokenKind.SystemUser, expiresIn: null);
        State.FindToken(token)!.WabaIds.ShouldBe([Sample.WabaId]);
        run.Error.ShouldContain("never");

        // A code is good once.
        var again = (await _cli.RunAsync("exchange", "--code", code)).ShouldExitWith(ExitCodes.UsageError);
        again.Out.ShouldBeEmpty();
        again.Error.ShouldContain("authorization code has been used");
    }

    [Fact]
    public async Task App_token_prints_an_app_token_that_the_emulator_knows()
    {
        _cli.WithApp();

        var run = (await _cli.RunAsync("app-token")).ShouldExitWith(ExitCodes.Ok);

        var token = run.Out.Trim();
        _cli.Track(token, printedBy: run);
        token.ShouldStartWith(Sample.AppId + "|");
        ShouldBeLive(token, EmulatorTokenKind.App, expiresIn: null);
        run.Error.ShouldContain($"generated: {TokenFingerprint.Of(token)}");
    }

    [Fact]
    public async Task System_user_token_60d_saved_under_a_name_is_stored_not_printed_and_lives_60_days()
    {
        _cli.WithApp().Environment["ADMIN_ACCESS_TOKEN"] = Sample.SystemUserToken;

        var run = (await _cli.RunAsync("system-user", "token", "--system-user-id", Sample.SystemUserId, "--expires", "60d", "--save", "whatsapp-prod"))
            .ShouldExitWith(ExitCodes.Ok);

        run.Out.ShouldContain("Saved as whatsapp-prod version 1");
        var reveal = (await _cli.RunAsync("token", "reveal", "whatsapp-prod")).ShouldExitWith(ExitCodes.Ok);
        var token = reveal.Out.Trim();
        _cli.Track(token, printedBy: reveal);
        run.Out.ShouldContain(TokenFingerprint.Of(token));
        ShouldBeLive(token, EmulatorTokenKind.SystemUser, SixtyDays);
        State.FindToken(token)!.Scopes.ShouldBe(["whatsapp_business_messaging", "whatsapp_business_management"], ignoreOrder: true);

        var show = (await _cli.RunAsync("token", "show", "whatsapp-prod", "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)show.Json["token"]!["app_id"]).ShouldBe(Sample.AppId);
        show.Json["token"]!["expires_at"]!.GetValue<DateTimeOffset>().ShouldBe(State.FindToken(token)!.ExpiresAt!.Value, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_system_user_token_saved_by_the_CLI_can_be_rotated_by_it()
    {
        _cli.WithApp().Environment["ADMIN_ACCESS_TOKEN"] = Sample.SystemUserToken;
        (await _cli.RunAsync("system-user", "token", "--system-user-id", Sample.SystemUserId, "--save", "renewable")).ShouldExitWith(ExitCodes.Ok);

        // The app secret is not needed any more: it was stored, encrypted, with the token.
        _cli.Environment.Remove("APP_SECRET");
        var list = (await _cli.RunAsync("token", "list", "--json")).ShouldExitWith(ExitCodes.Ok);
        var saved = list.Json.AsArray().Single()!;
        ((string?)saved["kind"]).ShouldBe("system_user");
        ((string?)saved["status"]).ShouldBe("healthy");

        var rotate = (await _cli.RunAsync("token", "rotate", "renewable")).ShouldExitWith(ExitCodes.Ok);
        rotate.Out.ShouldContain("Rotated renewable to version 2");
        var reveal = (await _cli.RunAsync("token", "reveal", "renewable")).ShouldExitWith(ExitCodes.Ok);
        var token = reveal.Out.Trim();
        _cli.Track(token, printedBy: reveal);
        ShouldBeLive(token, EmulatorTokenKind.SystemUser, SixtyDays);
    }

    [Theory]
    [InlineData("exchange", "user")]
    [InlineData("app-token", "app")]
    public async Task Save_stores_the_new_token_with_its_kind_and_prints_only_its_fingerprint(string command, string kind)
    {
        _cli.WithApp();
        string[] args = [command, .. command == "exchange" ? [Sample.UserTokenShortLived] : Array.Empty<string>(), "--save", "saved"];

        var run = (await _cli.RunAsync(args)).ShouldExitWith(ExitCodes.Ok);

        run.Out.ShouldContain("Saved as saved version 1");
        var reveal = (await _cli.RunAsync("token", "reveal", "saved")).ShouldExitWith(ExitCodes.Ok);
        var token = reveal.Out.Trim();
        _cli.Track(token, printedBy: reveal);
        run.Out.ShouldContain(TokenFingerprint.Of(token));
        var show = (await _cli.RunAsync("token", "show", "saved", "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)show.Json["token"]!["kind"]).ShouldBe(kind);
        ((string?)show.Json["versions"]![0]!["source"]).ShouldBe(command == "exchange" ? "exchanged" : "generated");
    }

    [Fact]
    public async Task System_user_token_never_prints_a_never_expiring_token()
    {
        _cli.WithApp().Environment["ADMIN_ACCESS_TOKEN"] = Sample.SystemUserToken;

        var run = (await _cli.RunAsync("system-user", "token", "--system-user-id", Sample.SystemUserId, "--expires", "never", "--scope", "whatsapp_business_messaging"))
            .ShouldExitWith(ExitCodes.Ok);

        var token = run.Out.Trim();
        _cli.Track(token, printedBy: run);
        ShouldBeLive(token, EmulatorTokenKind.SystemUser, expiresIn: null);
        State.FindToken(token)!.Scopes.ShouldBe(["whatsapp_business_messaging"]);
    }

    [Fact]
    public async Task System_user_token_without_a_system_user_id_is_a_usage_error()
    {
        _cli.WithApp().Environment["ADMIN_ACCESS_TOKEN"] = Sample.SystemUserToken;

        var run = (await _cli.RunAsync("system-user", "token")).ShouldExitWith(ExitCodes.UsageError);

        run.Error.ShouldContain("--system-user-id");
    }

    [Theory]
    [InlineData("exchange")]
    [InlineData("app-token")]
    public async Task A_wrong_app_secret_is_a_clear_error(string command)
    {
        _cli.WithApp().Environment["APP_SECRET"] = "0123456789abcdef0123456789abcdef";
        _cli.Track("0123456789abcdef0123456789abcdef");

        var run = (await _cli.RunAsync(command, command == "exchange" ? Sample.UserTokenShortLived : "--json")).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldStartWith("error: ");
        run.Error.ShouldContain("client secret");
        run.Error.ShouldContain("Graph code 1");
        run.Error.ShouldContain("App settings → Basic");
    }

    [Theory]
    [InlineData("exchange")]
    [InlineData("app-token")]
    [InlineData("system-user", "token")]
    public async Task A_missing_APP_ID_is_a_usage_error(params string[] command)
    {
        _cli.Environment["APP_SECRET"] = Sample.AppSecret;
        _cli.Environment["WHATSAPP_ACCESS_TOKEN"] = Sample.UserTokenShortLived;

        var run = (await _cli.RunAsync(command)).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("APP_ID");
        run.Error.ShouldContain("APP_SECRET");
    }

    [Theory]
    [InlineData("exchange")]
    [InlineData("app-token")]
    public async Task An_unreachable_Graph_URL_is_a_one_line_error(string command)
    {
        _cli.WithApp();

        string[] args = [command, .. command == "exchange" ? [Sample.UserTokenShortLived] : Array.Empty<string>(),
            "--graph-url", $"http://127.0.0.1:{InspectAndDoctorTests.ClosedPort()}/"];

        var run = (await _cli.RunAsync(args)).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldStartWith("error: ");
        run.Error.ShouldContain("Could not reach the Graph API");
        run.Error.ShouldContain("--graph-url");
        run.All.ShouldNotContain("Exception");
        run.All.ShouldNotContain("   at ");
    }

    /// <summary>Asserts the emulator knows the token, of this kind, valid, expiring in about <paramref name="expiresIn"/> (null = never).</summary>
    private void ShouldBeLive(string token, EmulatorTokenKind kind, TimeSpan? expiresIn)
    {
        var record = State.FindToken(token).ShouldNotBeNull("the emulator never issued this token");
        record.Kind.ShouldBe(kind);
        record.InvalidationSubcode.ShouldBeNull();
        var now = fixture.Emulator.Clock.GetUtcNow();
        if (expiresIn is { } ttl)
        {
            record.ExpiresAt.ShouldNotBeNull();
            (record.ExpiresAt.Value - now).ShouldBe(ttl, TimeSpan.FromMinutes(1));
        }
        else
        {
            record.ExpiresAt.ShouldBeNull();
        }
    }

    private string MintSystemUserToken(TokenLifetime lifetime) => State.MintToken(new TokenSpec
    {
        AppId = Sample.AppId,
        Kind = EmulatorTokenKind.SystemUser,
        Lifetime = lifetime,
        UserId = Sample.SystemUserId,
        Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"],
    }).AccessToken;
}
