using System.Net;
using Evertoken.Emulator;
using Evertoken.IntegrationTests.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.IntegrationTests.EmulatorMessaging;

public class RateLimitTests
{
    [Fact]
    public async Task Pair_rate_limit_stops_a_burst_to_one_user_with_131056()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.Emulator.ControlAsync(HttpMethod.Post, "settings", new { pair_rate_limit_burst = 2, pair_rate_limit_interval_seconds = 3600 });

        (await world.SendAsync(MessagingWorld.TemplateBody())).Status.ShouldBe(HttpStatusCode.OK);
        (await world.SendAsync(MessagingWorld.TemplateBody())).Status.ShouldBe(HttpStatusCode.OK);
        var third = await world.SendAsync(MessagingWorld.TemplateBody());

        third.ShouldBeGraphError(HttpStatusCode.BadRequest, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit");
        third.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/error.send.131056-pair-rate-limit.json"));
        third.Error["error_data"]!["details"]!.GetValue<string>().ShouldContain("same phone number");
    }

    [Fact]
    public async Task Pair_rate_limit_spares_other_users_and_refills_with_time()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.PairRateLimitBurst = 1;
        world.Settings.PairRateLimitIntervalSeconds = 3600;
        world.Settings.PairRateLimitHttpStatus = 429;

        (await world.SendAsync(MessagingWorld.TemplateBody())).Status.ShouldBe(HttpStatusCode.OK);
        (await world.SendAsync(MessagingWorld.TemplateBody())).ShouldBeGraphError(HttpStatusCode.TooManyRequests, 131056);
        (await world.SendAsync(MessagingWorld.TemplateBody("15550002222"))).Status.ShouldBe(HttpStatusCode.OK);

        world.State.Clock.Advance(TimeSpan.FromHours(1));

        (await world.SendAsync(MessagingWorld.TemplateBody())).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Throughput_limit_per_number_answers_130429_until_the_next_second()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
        await using var world = await MessagingWorld.StartAsync(new EmulatorOptions { BaseTime = time });
        world.Settings.ThroughputMessagesPerSecond = 3;
        world.Settings.ThroughputHttpStatus = 429;

        for (var i = 0; i < 3; i++)
        {
            (await world.SendAsync(MessagingWorld.TemplateBody($"1555000300{i}"))).Status.ShouldBe(HttpStatusCode.OK);
        }

        var over = await world.SendAsync(MessagingWorld.TemplateBody("15550003009"));

        over.ShouldBeGraphError(HttpStatusCode.TooManyRequests, 130429, "(#130429) Rate limit hit");
        over.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/error.send.130429-throughput.json"));
        over.Error["error_data"]!["details"]!.GetValue<string>().ShouldBe("Cloud API message throughput has been reached.");

        time.Advance(TimeSpan.FromSeconds(1));
        (await world.SendAsync(MessagingWorld.TemplateBody("15550003009"))).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Throughput_default_is_80_messages_per_second()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));
        await using var world = await MessagingWorld.StartAsync(new EmulatorOptions { BaseTime = time });
        world.Settings.StatusWebhookSequence = [];

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 81; i++)
        {
            statuses.Add((await world.SendAsync(MessagingWorld.TemplateBody($"155500{i:D5}"))).Status);
        }

        statuses.Take(80).ShouldAllBe(s => s == HttpStatusCode.OK);
        statuses[80].ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Allow_list_mode_refuses_other_numbers_with_131030()
    {
        await using var world = await MessagingWorld.StartAsync();
        await world.Emulator.ControlAsync(HttpMethod.Post, "settings", new { recipient_allow_list_enabled = true, recipient_allow_list = new[] { "+1 555 000 1111" } });

        var allowed = await world.SendAsync(MessagingWorld.TemplateBody(MessagingWorld.User));
        var refused = await world.SendAsync(MessagingWorld.TemplateBody("15550002222"));

        allowed.Status.ShouldBe(HttpStatusCode.OK);
        refused.ShouldBeGraphError(HttpStatusCode.BadRequest, 131030, "(#131030) Recipient phone number not in allowed list");
        refused.Json.ShouldHaveSameShape(Fixture.Load("whatsapp/error.send.131030-not-in-allowed-list.json"));
    }

    [Fact]
    public async Task Allow_list_is_off_by_default()
    {
        await using var world = await MessagingWorld.StartAsync();
        world.Settings.RecipientAllowListEnabled.ShouldBeFalse();

        (await world.SendAsync(MessagingWorld.TemplateBody("15550002222"))).Status.ShouldBe(HttpStatusCode.OK);
    }
}
