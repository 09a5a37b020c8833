using System.Net;
using System.Net.Sockets;
using Evertoken.Emulator;
using Evertoken.Server.Cli;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Cli;

/// <summary><c>inspect</c> and <c>doctor</c> against the emulator: the verdict, the exit code and the words a person reads.</summary>
public sealed class InspectAndDoctorTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>, IDisposable
{
    private readonly CliDriver _cli = new(fixture.Emulator);

    private SampleWorld Sample => _cli.Sample;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Inspect_of_a_never_expiring_system_user_token_is_healthy()
    {
        var json = (await _cli.RunAsync("inspect", Sample.SystemUserToken, "--json")).ShouldExitWith(ExitCodes.Ok);

        json.Json["valid"]!.GetValue<bool>().ShouldBeTrue();
        ((string?)json.Json["kind"]).ShouldBe("system_user");
        json.Json["never_expires"]!.GetValue<bool>().ShouldBeTrue();
        ((string?)json.Json["app_id"]).ShouldBe(Sample.AppId);
        ((string?)json.Json["verdict"]).ShouldBe("healthy");
        json.Json["scopes"]!.AsArray().Select(s => (string?)s).ShouldContain("whatsapp_business_messaging");

        var text = (await _cli.RunAsync("inspect", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);
        text.Out.ShouldContain("SYSTEM_USER");
        text.Out.ShouldContain("never");
        text.Out.ShouldContain(Sample.AppName);
        text.Out.ShouldContain("Verdict: Healthy");
        text.Out.ShouldContain(TokenFingerprint.Of(Sample.SystemUserToken));
    }

    [Fact]
    public async Task Doctor_of_a_never_expiring_system_user_token_with_the_app_and_number_passes_every_check()
    {
        _cli.WithApp().Environment["WHATSAPP_PHONE_NUMBER_ID"] = Sample.PhoneNumberId;

        var run = (await _cli.RunAsync("doctor", Sample.SystemUserToken, "--json")).ShouldExitWith(ExitCodes.Ok);

        ((string?)run.Json["verdict"]).ShouldBe("healthy");
        run.Outcome(DiagnosisChecks.AppSecret).ShouldBe("pass");
        run.Outcome(DiagnosisChecks.Valid).ShouldBe("pass");
        run.Outcome(DiagnosisChecks.Kind).ShouldBe("pass");
        run.Outcome(DiagnosisChecks.Expiry).ShouldBe("pass");
        run.Outcome(DiagnosisChecks.ScopeMessaging).ShouldBe("pass");
        run.Outcome(DiagnosisChecks.PhoneNumber).ShouldBe("pass");
        ((string)run.Check(DiagnosisChecks.PhoneNumber)["summary"]!).ShouldContain(Sample.DisplayPhoneNumber);

        var text = (await _cli.RunAsync("doctor", Sample.SystemUserToken)).ShouldExitWith(ExitCodes.Ok);
        text.Out.ShouldContain("PASS");
        text.Out.ShouldNotContain("FAIL");
        text.Out.ShouldContain("Verdict: Healthy");
    }

    [Fact]
    public async Task A_60_day_system_user_token_with_60_days_left_passes_the_expiry_check()
    {
        var inspect = (await _cli.RunAsync("inspect", Sample.SystemUserToken60Days, "--json")).ShouldExitWith(ExitCodes.Ok);
        inspect.Json["expires_in_seconds"]!.GetValue<long>().ShouldBeInRange((long)TimeSpan.FromDays(59).TotalSeconds, (long)TimeSpan.FromDays(60).TotalSeconds);
        inspect.Json["never_expires"]!.GetValue<bool>().ShouldBeFalse();

        var doctor = (await _cli.RunAsync("doctor", Sample.SystemUserToken60Days, "--json")).ShouldExitWith(ExitCodes.Ok);
        doctor.Outcome(DiagnosisChecks.Expiry).ShouldBe("pass");
        ((string)doctor.Check(DiagnosisChecks.Expiry)["summary"]!).ShouldContain("days left");

        var text = (await _cli.RunAsync("inspect", Sample.SystemUserToken60Days)).ShouldExitWith(ExitCodes.Ok);
        text.Out.ShouldContain("(in 59 days)");
    }

    [Fact]
    public async Task A_short_lived_user_token_needs_attention_and_the_fix_is_a_system_user_token()
    {
        var inspect = (await _cli.RunAsync("inspect", Sample.UserTokenShortLived, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        ((string?)inspect.Json["kind"]).ShouldBe("user");
        inspect.Json["expires_in_seconds"]!.GetValue<long>().ShouldBeLessThanOrEqualTo((long)TimeSpan.FromHours(2).TotalSeconds);
        inspect.Json["issued_at"].ShouldBeNull("Meta reports no issued_at for a short-lived token");

        var doctor = (await _cli.RunAsync("doctor", Sample.UserTokenShortLived, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        ((string?)doctor.Json["verdict"]).ShouldBe("needs_attention");
        doctor.Outcome(DiagnosisChecks.Kind).ShouldBe("warn");
        doctor.Outcome(DiagnosisChecks.Expiry).ShouldBe("warn");
        var kindFix = (string)doctor.Check(DiagnosisChecks.Kind)["fix"]!;
        kindFix.ShouldContain("System users");
        kindFix.ShouldContain("Generate new token");
        ((string)doctor.Check(DiagnosisChecks.Expiry)["fix"]!).ShouldContain("evertoken exchange");

        var text = (await _cli.RunAsync("doctor", Sample.UserTokenShortLived)).ShouldExitWith(ExitCodes.NeedsAttention);
        text.Out.ShouldContain("WARN");
        text.Out.ShouldContain("Fix:");
        text.Out.ShouldContain("Business Settings → Users → System users");
        text.Out.ShouldContain("Verdict: Needs attention");
    }

    [Fact]
    public async Task A_token_past_its_expiry_is_unusable_and_the_message_says_it_expired()
    {
        // Its own emulator: moving the clock would age the shared one's tokens.
        await using var emulator = await EmulatorHost.StartAsync(ct: TestContext.Current.CancellationToken);
        using var cli = new CliDriver(emulator);
        var token = MintUserToken(emulator, TokenLifetime.Short);
        cli.Track(token);
        emulator.Clock.Advance(TimeSpan.FromHours(3));

        var inspect = (await cli.RunAsync("inspect", token, "--json")).ShouldExitWith(ExitCodes.TokenUnusable);
        inspect.Json["valid"]!.GetValue<bool>().ShouldBeFalse();
        ((string?)inspect.Json["verdict"]).ShouldBe("token_unusable");
        ((string)inspect.Check(DiagnosisChecks.Valid)["summary"]!).ShouldContain("expired");

        var doctor = (await cli.RunAsync("doctor", token)).ShouldExitWith(ExitCodes.TokenUnusable);
        doctor.Out.ShouldContain("FAIL");
        doctor.Out.ShouldContain("expired");
        doctor.Out.ShouldContain("Verdict: Token invalid or expired");

        // With the app's credentials debug_token is asked by the app, and Meta tells when the token expired.
        cli.WithApp();
        var dated = (await cli.RunAsync("doctor", token)).ShouldExitWith(ExitCodes.TokenUnusable);
        dated.Out.ShouldContain("expired on");
        dated.Out.ShouldContain("minutes ago)");
    }

    [Fact]
    public async Task A_token_Meta_reports_as_expired_is_unusable()
    {
        var token = MintUserToken(fixture.Emulator, TokenLifetime.SixtyDays);
        _cli.Track(token);
        fixture.Emulator.State.Invalidate(token, 463).ShouldBeTrue();

        var run = (await _cli.RunAsync("inspect", token)).ShouldExitWith(ExitCodes.TokenUnusable);
        run.Out.ShouldContain("expired");
        run.Out.ShouldContain("subcode 463");
    }

    [Theory]
    [InlineData(460, "changed their password")]
    [InlineData(466, "revoked")]
    public async Task An_invalidated_token_is_unusable_and_the_doctor_says_why(int subcode, string why)
    {
        var token = fixture.Emulator.State.MintToken(new TokenSpec
        {
            AppId = Sample.AppId,
            Kind = EmulatorTokenKind.SystemUser,
            UserId = Sample.SystemUserId,
            Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"],
        }).AccessToken;
        _cli.Track(token);
        fixture.Emulator.State.Invalidate(token, subcode).ShouldBeTrue();

        var inspect = (await _cli.RunAsync("inspect", token, "--json")).ShouldExitWith(ExitCodes.TokenUnusable);
        inspect.Json["error"]!["subcode"]!.GetValue<int>().ShouldBe(subcode);
        ((string)inspect.Check(DiagnosisChecks.Valid)["summary"]!).ShouldContain(why);

        var doctor = (await _cli.RunAsync("doctor", token)).ShouldExitWith(ExitCodes.TokenUnusable);
        doctor.Out.ShouldContain(why);
        doctor.Out.ShouldContain("Generate new token", Case.Insensitive);
    }

    [Fact]
    public async Task A_token_without_the_messaging_permission_needs_attention_and_the_fix_adds_it()
    {
        var inspect = (await _cli.RunAsync("inspect", Sample.TokenWithoutMessaging, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        inspect.Json["scopes"]!.AsArray().Select(s => (string?)s).ShouldNotContain("whatsapp_business_messaging");

        var doctor = (await _cli.RunAsync("doctor", Sample.TokenWithoutMessaging, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        doctor.Outcome(DiagnosisChecks.ScopeMessaging).ShouldBe("fail");
        doctor.Outcome(DiagnosisChecks.Valid).ShouldBe("pass");
        ((string)doctor.Check(DiagnosisChecks.ScopeMessaging)["fix"]!).ShouldContain("tick whatsapp_business_messaging");

        var text = (await _cli.RunAsync("doctor", Sample.TokenWithoutMessaging)).ShouldExitWith(ExitCodes.NeedsAttention);
        text.Out.ShouldContain("Permission whatsapp_business_messaging");
        text.Out.ShouldContain("FAIL");
    }

    [Fact]
    public async Task A_token_that_cannot_reach_the_configured_phone_number_fails_the_phone_number_check()
    {
        _cli.Environment["WHATSAPP_PHONE_NUMBER_ID"] = Sample.PhoneNumberId;

        var doctor = (await _cli.RunAsync("doctor", Sample.OtherWabaToken, "--json")).ShouldExitWith(ExitCodes.NeedsAttention);
        doctor.Outcome(DiagnosisChecks.Valid).ShouldBe("pass");
        doctor.Outcome(DiagnosisChecks.PhoneNumber).ShouldBe("fail");
        var check = doctor.Check(DiagnosisChecks.PhoneNumber);
        ((string)check["summary"]!).ShouldContain($"cannot reach phone number {Sample.PhoneNumberId}");
        ((string)check["fix"]!).ShouldContain("WHATSAPP_PHONE_NUMBER_ID");

        var text = (await _cli.RunAsync("doctor", Sample.OtherWabaToken)).ShouldExitWith(ExitCodes.NeedsAttention);
        text.Out.ShouldContain("Phone number is reachable");
        text.Out.ShouldContain("FAIL");
    }

    [Fact]
    public async Task A_garbage_string_is_not_a_Meta_access_token()
    {
        var inspect = (await _cli.RunAsync("inspect", "hello-this-is-not-a-token", "--json")).ShouldExitWith(ExitCodes.TokenUnusable);
        ((string)inspect.Check(DiagnosisChecks.Valid)["summary"]!).ShouldContain("not a Meta access token");

        var doctor = (await _cli.RunAsync("doctor", "hello-this-is-not-a-token")).ShouldExitWith(ExitCodes.TokenUnusable);
        doctor.Out.ShouldContain("not a Meta access token");
        doctor.Out.ShouldContain("Verdict: Token invalid or expired");
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("doctor")]
    public async Task An_unreachable_Graph_URL_exits_1_with_a_clear_message_and_no_stack_trace(string command)
    {
        _cli.WithApp();
        var url = $"http://127.0.0.1:{ClosedPort()}/";

        var run = (await _cli.RunAsync(command, Sample.SystemUserToken, "--graph-url", url)).ShouldExitWith(ExitCodes.UsageError);

        run.Out.ShouldContain("Graph API answers");
        run.Out.ShouldContain("--graph-url");
        run.Out.ShouldContain("Verdict: Could not check");
        run.All.ShouldNotContain("Exception");
        run.All.ShouldNotContain("   at ");

        var json = (await _cli.RunAsync(command, Sample.SystemUserToken, "--graph-url", url, "--json")).ShouldExitWith(ExitCodes.UsageError);
        ((string?)json.Json["verdict"]).ShouldBe("could_not_check");
        json.Outcome(DiagnosisChecks.GraphReachable).ShouldBe("fail");
    }

    /// <summary>A loopback port nobody listens on: bound, then released.</summary>
    internal static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string MintUserToken(EmulatorHost emulator, TokenLifetime lifetime) => emulator.State.MintToken(new TokenSpec
    {
        AppId = emulator.Sample.AppId,
        Kind = EmulatorTokenKind.User,
        Lifetime = lifetime,
        Scopes = ["whatsapp_business_messaging", "whatsapp_business_management"],
    }).AccessToken;
}
