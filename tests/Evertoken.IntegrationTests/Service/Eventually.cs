using System.Diagnostics;

namespace Evertoken.IntegrationTests.Service;

/// <summary>Polls a condition that background work (sinks, alerts) makes true, with a real-time deadline as a hang guard.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var limit = deadline ?? TimeSpan.FromSeconds(20);
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                throw new TimeoutException($"Still not true after {limit.TotalSeconds} s: {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, deadline);
}
