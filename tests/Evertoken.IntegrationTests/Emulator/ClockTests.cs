using System.Net;
using Evertoken.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.Emulator;

public class ClockTests
{
    private static async Task<(TestEmulator Emulator, string Token)> ExpiredTokenAsync(DateTimeOffset expiredAt, DateTimeOffset now)
    {
        var lifetime = TimeSpan.FromHours(1);
        var emulator = await TestEmulator.StartAsync(new EmulatorOptions { BaseTime = new FakeTimeProvider(expiredAt - lifetime) });
        var token = emulator.State.MintToken(new TokenSpec
        {
            AppId = emulator.Sample.AppId,
            Kind = EmulatorTokenKind.User,
            Lifetime = TokenLifetime.FromSeconds((long)lifetime.TotalSeconds),
            Scopes = ["whatsapp_business_management"],
        }).AccessToken;
        emulator.Host.Clock.Advance(now - emulator.Host.Clock.GetUtcNow());
        return (emulator, token);
    }

    [Fact]
    public async Task Expired_message_uses_pacific_standard_time_like_the_fixture()
    {
        // The fixture's instants: expired Wed 14-Feb-18 18:00:00 PST, now Thu 15-Feb-18 13:46:35 PST.
        var (emulator, token) = await ExpiredTokenAsync(
            new DateTimeOffset(2018, 2, 15, 2, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2018, 2, 15, 21, 46, 35, TimeSpan.Zero));
        await using var _ = emulator;

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.WabaId}/phone_numbers", bearer: token);

        var expected = Fixture.Load("graph/error-190-463-expired.json")["error"]!["message"]!.GetValue<string>();
        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, expected, 463);
        response.Json.ShouldHaveSameShape(Fixture.Load("graph/error-190-463-expired.json"));
    }

    [Fact]
    public async Task Expired_message_uses_pacific_daylight_time_in_summer()
    {
        var (emulator, token) = await ExpiredTokenAsync(
            new DateTimeOffset(2023, 6, 19, 13, 29, 46, TimeSpan.Zero),
            new DateTimeOffset(2023, 7, 4, 9, 11, 32, TimeSpan.Zero));
        await using var _ = emulator;

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: token);

        var expected = Fixture.Load("graph/error-190-463-expired-2023.json")["error"]!["message"]!.GetValue<string>();
        response.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, expected, 463);
    }

    [Fact]
    public async Task Token_errors_carry_the_headers_of_the_full_capture()
    {
        var (emulator, token) = await ExpiredTokenAsync(
            new DateTimeOffset(2018, 2, 15, 2, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2018, 2, 15, 21, 46, 35, TimeSpan.Zero));
        await using var _ = emulator;

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: token);

        var message = response.Error["message"]!.GetValue<string>();
        response.Headers.WwwAuthenticate.ToString().ShouldBe($"OAuth \"Facebook Platform\" \"invalid_token\" \"{message}\"");
        response.Headers.CacheControl!.NoStore.ShouldBeTrue();
        response.Headers.GetValues("x-fb-trace-id").Single().ShouldBe(response.Error["fbtrace_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_error_status_can_be_switched_to_401()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.ControlAsync(HttpMethod.Post, "settings", new { token_error_http_status = 401 });
        emulator.State.Invalidate(emulator.Sample.SystemUserToken, 467);

        var response = await emulator.GetAsync($"v25.0/{emulator.Sample.PhoneNumberId}", bearer: emulator.Sample.SystemUserToken);

        response.ShouldBeGraphError(HttpStatusCode.Unauthorized, 190, "Error validating access token: The session is invalid because the user logged out.", 467);
    }

    [Fact]
    public async Task Advancing_the_clock_through_the_control_api_expires_short_lived_tokens()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var before = await emulator.ControlAsync(HttpMethod.Get, "clock");

        var valid = await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.UserTokenShortLived);
        var after = await emulator.ControlAsync(HttpMethod.Post, "clock/advance", new { seconds = 7201 });
        var expired = await emulator.GetAsync("v25.0/me", bearer: emulator.Sample.UserTokenShortLived);

        valid.Status.ShouldBe(HttpStatusCode.OK);
        (after["now"]!.GetValue<long>() - before["now"]!.GetValue<long>()).ShouldBeInRange(7201, 7261);
        after["iso"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        expired.ShouldBeGraphError(HttpStatusCode.BadRequest, 190, subcode: 463);
    }

    [Fact]
    public async Task Clock_speed_multiplies_elapsed_base_time()
    {
        var baseTime = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var clock = new EmulatorClock(baseTime, speed: 60);
        var start = clock.GetUtcNow();

        baseTime.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromMinutes(1));

        (clock.GetUtcNow() - start).ShouldBe(TimeSpan.FromMinutes(11));
        clock.Offset.ShouldBe(TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("short", 7200)]
    [InlineData("60d", 5184000)]
    [InlineData("3600", 3600)]
    public void Lifetimes_parse_from_text(string text, long seconds)
    {
        var lifetime = TokenLifetime.Parse(text);

        lifetime.Duration.ShouldBe(TimeSpan.FromSeconds(seconds));
        lifetime.ToString().ShouldBe(text);
    }

    [Fact]
    public void Never_lifetime_has_no_duration_and_bad_text_is_refused()
    {
        TokenLifetime.Parse("never").Duration.ShouldBeNull();
        TokenLifetime.TryParse("soon", out _).ShouldBeFalse();
        Should.Throw<FormatException>(() => TokenLifetime.Parse("-5"));
    }
}
