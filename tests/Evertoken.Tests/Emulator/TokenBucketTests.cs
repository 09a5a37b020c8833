using Evertoken.Emulator.Internal;

namespace Evertoken.Tests.Emulator;

/// <summary>The emulator's rate limiter (pair rate limit, throughput).</summary>
public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_full_bucket_gives_its_capacity_then_refills_at_the_rate()
    {
        var bucket = new TokenBucket();

        bucket.TryTake(T0, capacity: 2, perSecond: 1).ShouldBeTrue();
        bucket.TryTake(T0, capacity: 2, perSecond: 1).ShouldBeTrue();
        bucket.TryTake(T0, capacity: 2, perSecond: 1).ShouldBeFalse();
        bucket.TryTake(T0.AddSeconds(1), capacity: 2, perSecond: 1).ShouldBeTrue();
        bucket.TryTake(T0.AddSeconds(1), capacity: 2, perSecond: 1).ShouldBeFalse();
    }

    [Fact]
    public void An_infinite_rate_never_refuses_even_within_one_clock_tick()
    {
        var bucket = new TokenBucket();

        for (var i = 0; i < 100; i++)
        {
            bucket.TryTake(T0, capacity: 1, perSecond: double.PositiveInfinity).ShouldBeTrue($"take {i}");
        }
    }
}
