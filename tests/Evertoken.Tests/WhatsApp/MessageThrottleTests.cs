using Evertoken.WhatsApp;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Evertoken.Tests.WhatsApp;

public class MessageThrottleTests
{
    private const string Phone = "106540352242922";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero));

    private MessageThrottle CreateSut(int perSecond, TimeSpan maxQueueDelay, IDictionary<string, int>? phoneNumbers = null) =>
        new(Options.Create(new MessageThrottleOptions
        {
            MessagesPerSecond = perSecond,
            MaxQueueDelay = maxQueueDelay,
            PhoneNumbers = phoneNumbers ?? new Dictionary<string, int>(),
        }), _time);

    [Fact]
    public async Task A_number_at_its_limit_with_no_queue_is_turned_away_with_a_retry_delay()
    {
        using var throttle = CreateSut(perSecond: 2, maxQueueDelay: TimeSpan.Zero);
        var ct = TestContext.Current.CancellationToken;

        await throttle.AcquireAsync(Phone, ct);
        await throttle.AcquireAsync(Phone, ct);
        var refused = await Should.ThrowAsync<SendThrottledException>(async () => await throttle.AcquireAsync(Phone, ct));

        refused.PhoneNumberId.ShouldBe(Phone);
        refused.RetryAfter.ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task The_bucket_refills_after_a_period_of_real_time()
    {
        using var throttle = new MessageThrottle(Options.Create(new MessageThrottleOptions { MessagesPerSecond = 1, MaxQueueDelay = TimeSpan.Zero }), TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        await throttle.AcquireAsync(Phone, ct);

        // Poll (with a deadline, no timing assertion) until the refill lets the next message through.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await throttle.AcquireAsync(Phone, ct);
                break;
            }
            catch (SendThrottledException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50, ct);
            }
        }
    }

    [Fact]
    public async Task A_caller_over_the_limit_waits_in_the_queue_and_goes_at_the_next_refill()
    {
        using var throttle = new MessageThrottle(Options.Create(new MessageThrottleOptions { MessagesPerSecond = 1, MaxQueueDelay = TimeSpan.FromSeconds(1) }), TimeProvider.System);
        var ct = TestContext.Current.CancellationToken;
        await throttle.AcquireAsync(Phone, ct);

        var waiting = throttle.AcquireAsync(Phone, ct).AsTask();

        await waiting.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }

    [Fact]
    public async Task When_the_queue_is_full_the_next_caller_is_refused_and_the_queued_one_still_waits()
    {
        using var throttle = CreateSut(perSecond: 1, maxQueueDelay: TimeSpan.FromSeconds(1));
        var ct = TestContext.Current.CancellationToken;
        await throttle.AcquireAsync(Phone, ct);
        var waiting = throttle.AcquireAsync(Phone, ct).AsTask();

        // The queue holds one second's worth (one message): the next caller is refused, not queued.
        await Should.ThrowAsync<SendThrottledException>(async () => await throttle.AcquireAsync(Phone, ct));
        waiting.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public async Task Each_number_has_its_own_bucket_and_an_upgraded_number_its_own_rate()
    {
        using var throttle = CreateSut(perSecond: 1, maxQueueDelay: TimeSpan.Zero, new Dictionary<string, int> { ["222"] = 1000 });
        var ct = TestContext.Current.CancellationToken;
        await throttle.AcquireAsync("111", ct);
        await Should.ThrowAsync<SendThrottledException>(async () => await throttle.AcquireAsync("111", ct));

        // 1000/s refills 100 every 100 ms: a burst of 100 passes at once.
        for (var i = 0; i < 100; i++)
        {
            await throttle.AcquireAsync("222", ct);
        }

        await Should.ThrowAsync<SendThrottledException>(async () => await throttle.AcquireAsync("222", ct));
        throttle.RateFor("222").ShouldBe(1000);
        throttle.RateFor("111").ShouldBe(1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void A_rate_outside_1_to_1000_is_refused_at_start(int rate)
    {
        var failure = Should.Throw<OptionsValidationException>(() => CreateSut(rate, TimeSpan.Zero));
        failure.Message.ShouldContain("MessagesPerSecond");
    }

    [Fact]
    public void Every_bad_setting_is_listed_at_once()
    {
        var result = new MessageThrottleOptions.Validator().Validate(null, new MessageThrottleOptions
        {
            MessagesPerSecond = 0,
            MaxQueueDelay = TimeSpan.FromSeconds(-1),
            PhoneNumbers = new Dictionary<string, int> { ["123"] = 5000 },
        });

        result.Failures!.Count().ShouldBe(3);
    }
}
