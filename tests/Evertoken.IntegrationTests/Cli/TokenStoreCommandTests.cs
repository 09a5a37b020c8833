using Evertoken.Emulator;
using Evertoken.Server.Cli;
using Evertoken.Storage;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary>
/// <c>token add|list|show|check|rotate|remove|reveal</c> in a temp data folder: values stay in the encrypted store,
/// only <c>reveal</c> prints one (audited), and rotation goes through Meta (the emulator).
/// </summary>
public sealed class TokenStoreCommandTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private static readonly TimeSpan SixtyDays = TimeSpan.FromSeconds(5_184_000);

    private readonly CliDriver _cli = new(fixture.Emulator);

    private SampleWorld Sample => _cli.Sample;

    private EmulatorState State => fixture.Emulator.State;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_token_goes_through_add_list_show_check_rotate_reveal_and_remove_without_its_value_being_shown()
    {
        _cli.WithApp().Environment["WHATSAPP_PHONE_NUMBER_ID"] = Sample.PhoneNumberId;
        var original = MintSystemUserToken(TokenLifetime.SixtyDays);
        _cli.Track(original);
        var originalFingerprint = TokenFingerprint.Of(original);

        var add = (await _cli.RunAsync("token", "add", "wedding-matcher", original)).ShouldExitWith(ExitCodes.Ok);
        add.Out.ShouldContain("Added wedding-matcher");
        add.Out.ShouldContain(originalFingerprint);
        add.Out.ShouldContain("SYSTEM_USER");
        add.Out.ShouldContain("(in 59 days)");

        var list = (await _cli.RunAsync("token", "list")).ShouldExitWith(ExitCodes.Ok);
        list.Out.ShouldContain("wedding-matcher");
        list.Out.ShouldContain("Healthy");
        list.Out.ShouldContain(originalFingerprint);

        var listJson = (await _cli.RunAsync("token", "list", "--json")).ShouldExitWith(ExitCodes.Ok);
        var entry = listJson.Json.AsArray().Single()!;
        ((string?)entry["name"]).ShouldBe("wedding-matcher");
        ((string?)entry["status"]).ShouldBe("healthy");
        ((string?)entry["kind"]).ShouldBe("system_user");
        entry["version"]!.GetValue<long>().ShouldBe(1);
        ((string?)entry["fingerprint"]).ShouldBe(originalFingerprint);
        ((string?)entry["app_id"]).ShouldBe(Sample.AppId);
        ((string?)entry["phone_number_id"]).ShouldBe(Sample.PhoneNumberId);

        var show = (await _cli.RunAsync("token", "show", "wedding-matcher")).ShouldExitWith(ExitCodes.Ok);
        show.Out.ShouldContain("Versions");
        show.Out.ShouldContain(originalFingerprint);
        show.Out.ShouldContain(Sample.PhoneNumberId);
        show.Out.ShouldContain("whatsapp_business_messaging");

        var check = (await _cli.RunAsync("token", "check", "wedding-matcher")).ShouldExitWith(ExitCodes.Ok);
        check.Out.ShouldContain("wedding-matcher: Healthy");

        var rotate = (await _cli.RunAsync("token", "rotate", "wedding-matcher")).ShouldExitWith(ExitCodes.Ok);
        rotate.Out.ShouldContain("Rotated wedding-matcher to version 2");

        var reveal = (await _cli.RunAsync("token", "reveal", "wedding-matcher")).ShouldExitWith(ExitCodes.Ok);
        var rotated = reveal.Out.Trim();
        reveal.Out.ShouldBe(rotated + Environment.NewLine, "reveal prints the value alone");
        _cli.Track(rotated, printedBy: reveal);
        rotated.ShouldNotBe(original);
        rotate.Out.ShouldContain(TokenFingerprint.Of(rotated));

        // Meta (the emulator) says the new version is a live 60-day system-user token.
        var record = State.FindToken(rotated).ShouldNotBeNull();
        record.Kind.ShouldBe(EmulatorTokenKind.SystemUser);
        record.InvalidationSubcode.ShouldBeNull();
        (record.ExpiresAt!.Value - fixture.Emulator.Clock.GetUtcNow()).ShouldBe(SixtyDays, TimeSpan.FromMinutes(1));

        var history = (await _cli.RunAsync("token", "show", "wedding-matcher", "--json")).ShouldExitWith(ExitCodes.Ok);
        history.Json["token"]!["version"]!.GetValue<long>().ShouldBe(2);
        history.Json["versions"]!.AsArray().Select(v => (string?)v!["fingerprint"]).ShouldBe([TokenFingerprint.Of(rotated), originalFingerprint], ignoreOrder: true);

        await using (var store = await _cli.OpenStoreAsync())
        {
            var audit = await store.ListAuditAsync(tokenName: "wedding-matcher", cancellationToken: TestContext.Current.CancellationToken);
            audit.Select(a => a.Action).ShouldContain("token.revealed");
            audit.Single(a => a.Action == "token.revealed").Actor.ShouldBe("cli");
            audit.Select(a => a.Action).ShouldContain("token.rotated");
        }

        var remove = (await _cli.RunAsync("token", "remove", "wedding-matcher")).ShouldExitWith(ExitCodes.Ok);
        remove.Out.ShouldContain("Removed wedding-matcher");
        (await _cli.RunAsync("token", "list", "--json")).ShouldExitWith(ExitCodes.Ok).Json.AsArray().ShouldBeEmpty();
        var gone = (await _cli.RunAsync("token", "show", "wedding-matcher")).ShouldExitWith(ExitCodes.UsageError);
        gone.Error.ShouldContain("No managed token named 'wedding-matcher'");
    }

    [Fact]
    public async Task The_store_keeps_values_encrypted_on_disk()
    {
        _cli.WithApp();
        (await _cli.RunAsync("token", "add", "forever", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);

        foreach (var file in Directory.GetFiles(_cli.DataDir))
        {
            var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
            System.Text.Encoding.Latin1.GetString(bytes).ShouldNotContain(Sample.SystemUserToken, Case.Sensitive, $"{file} holds the token in clear");
            System.Text.Encoding.Latin1.GetString(bytes).ShouldNotContain(Sample.AppSecret, Case.Sensitive, $"{file} holds the app secret in clear");
        }
    }

    [Fact]
    public async Task Rotating_a_never_expiring_token_is_refused_with_a_clear_message()
    {
        _cli.WithApp();
        (await _cli.RunAsync("token", "add", "forever", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);

        var rotate = (await _cli.RunAsync("token", "rotate", "forever")).ShouldExitWith(ExitCodes.UsageError);

        rotate.Out.ShouldBeEmpty();
        rotate.Error.ShouldContain("forever was not rotated");
        rotate.Error.ShouldContain("never expires");
        rotate.Error.ShouldContain("Version 1 is still current");
        rotate.Error.ShouldNotContain("..");
        var show = (await _cli.RunAsync("token", "show", "forever", "--json")).ShouldExitWith(ExitCodes.Ok);
        show.Json["token"]!["version"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Checking_a_revoked_token_exits_2_and_records_it_as_invalid()
    {
        _cli.WithApp();
        var token = MintSystemUserToken(TokenLifetime.SixtyDays);
        _cli.Track(token);
        (await _cli.RunAsync("token", "add", "revoked-one", token)).ShouldExitWith(ExitCodes.Ok);
        State.Invalidate(token, 466).ShouldBeTrue();

        var check = (await _cli.RunAsync("token", "check", "revoked-one")).ShouldExitWith(ExitCodes.TokenUnusable);
        check.Out.ShouldContain("revoked-one: Invalid");

        var json = (await _cli.RunAsync("token", "check", "revoked-one", "--json")).ShouldExitWith(ExitCodes.TokenUnusable);
        ((string?)json.Json["status"]).ShouldBe("invalid");
        json.Json["error"]!["subcode"]!.GetValue<int>().ShouldBe(466);

        var list = (await _cli.RunAsync("token", "list", "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)list.Json.AsArray().Single()!["status"]).ShouldBe("invalid");
    }

    [Fact]
    public async Task Adding_a_token_from_standard_input_works_and_adding_an_invalid_one_exits_2()
    {
        _cli.WithApp();

        var add = (await _cli.RunWithInputAsync(Sample.SystemUserToken60Days + "\n", "token", "add", "from-stdin", "-")).ShouldExitWith(ExitCodes.Ok);
        add.Out.ShouldContain(TokenFingerprint.Of(Sample.SystemUserToken60Days));

        var bad = MintSystemUserToken(TokenLifetime.Never);
        _cli.Track(bad);
        State.Invalidate(bad, 460);
        var invalid = (await _cli.RunAsync("token", "add", "bad-one", bad)).ShouldExitWith(ExitCodes.TokenUnusable);
        invalid.Out.ShouldContain("Added bad-one");
        invalid.Error.ShouldContain("warning: Meta says this token is not valid");
        ((string?)(await _cli.RunAsync("token", "show", "bad-one", "--json")).Json["token"]!["status"]).ShouldBe("invalid");
    }

    [Theory]
    [InlineData("check")]
    [InlineData("rotate")]
    public async Task When_Meta_cannot_be_reached_check_and_rotate_exit_1_and_keep_the_token_as_it_was(string command)
    {
        _cli.WithApp();
        var token = MintSystemUserToken(TokenLifetime.SixtyDays);
        _cli.Track(token);
        (await _cli.RunAsync("token", "add", "offline", token)).ShouldExitWith(ExitCodes.Ok);

        var run = (await _cli.RunAsync("token", command, "offline", "--graph-url", $"http://127.0.0.1:{InspectAndDoctorTests.ClosedPort()}/"))
            .ShouldExitWith(ExitCodes.UsageError);

        run.All.ShouldContain("Could not reach the Graph API");
        if (command == "check")
        {
            run.Out.ShouldContain("offline: Healthy (last known; could not check now: ");
        }

        run.All.ShouldNotContain("Exception");
        var show = (await _cli.RunAsync("token", "show", "offline", "--json")).ShouldExitWith(ExitCodes.Ok);
        ((string?)show.Json["token"]!["status"]).ShouldBe("healthy");
        show.Json["token"]!["version"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task A_duplicate_name_is_a_one_line_usage_error()
    {
        (await _cli.RunAsync("token", "add", "twice", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);

        var again = (await _cli.RunAsync("token", "add", "twice", Sample.SystemUserToken60Days)).ShouldExitWith(ExitCodes.UsageError);

        again.Error.ShouldStartWith("error: ");
        again.Error.ShouldContain("twice");
    }

    [Theory]
    [InlineData("show")]
    [InlineData("check")]
    [InlineData("rotate")]
    [InlineData("reveal")]
    [InlineData("remove")]
    public async Task An_unknown_name_is_a_usage_error_without_a_stack_trace(string command)
    {
        var run = (await _cli.RunAsync("token", command, "nobody")).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("No managed token named 'nobody'. `evertoken token list` shows them.");
        run.All.ShouldNotContain("Exception");
    }

    [Fact]
    public async Task Without_a_master_key_in_the_environment_the_key_file_is_created_in_the_data_folder()
    {
        _cli.Environment.Remove(MasterKeyOptions.KeyEnvironmentVariable);

        var add = (await _cli.RunAsync("token", "add", "keyed", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);

        var keyFile = Path.Combine(_cli.DataDir, EvertokenPaths.MasterKeyFileName);
        add.Error.ShouldContain($"Created a new master key in {keyFile}");
        File.Exists(keyFile).ShouldBeTrue();
        (await _cli.RunAsync("token", "list")).ShouldExitWith(ExitCodes.Ok).Out.ShouldContain("keyed");
    }

    [Fact]
    public async Task A_wrong_master_key_is_a_clear_error()
    {
        (await _cli.RunAsync("token", "add", "locked", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);
        var otherKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _cli.Environment[MasterKeyOptions.KeyEnvironmentVariable] = otherKey;
        _cli.Track(otherKey);

        var reveal = (await _cli.RunAsync("token", "reveal", "locked")).ShouldExitWith(ExitCodes.UsageError);

        reveal.Out.ShouldBeEmpty();
        reveal.Error.ShouldStartWith("error: ");
        reveal.Error.ShouldContain("master key", Case.Insensitive);
        reveal.All.ShouldNotContain("Exception");
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
