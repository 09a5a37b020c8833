using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Evertoken.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace Evertoken.Bench.Proxy;

/// <summary>
/// <see cref="ITokenKeeper.GetAsync"/> on a cached token, in-process on every core, beside the floor it stands on
/// (a <see cref="ConcurrentDictionary{TKey,TValue}"/> read).
/// </summary>
internal static class KeeperLoop
{
    public static async Task<(double KeeperPerSecond, double DictionaryPerSecond)> RunAsync(TimeSpan duration)
    {
        var data = Directory.CreateTempSubdirectory("evertoken-bench-keeper-");
        try
        {
            var services = new ServiceCollection().AddLogging();
            services.AddEvertoken(o =>
            {
                o.DataFolder = data.FullName;
                o.MasterKey = new Storage.MasterKeyOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
            });
            await using var provider = services.BuildServiceProvider();
            await provider.GetRequiredService<Storage.ITokenStore>().InitializeAsync();
            await provider.GetRequiredService<TokenRegistrar>().RegisterAsync(new TokenRegistration
            {
                Name = BenchData.TokenName,
                Value = BenchData.NewToken(),
                AppId = BenchData.AppId,
                AppSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Check = false,
            }, "bench");
            var keeper = provider.GetRequiredService<ITokenKeeper>();
            await keeper.GetAsync(BenchData.TokenName);

            var keeperRate = await ParallelRateAsync(duration, async () =>
            {
                var token = await keeper.GetAsync(BenchData.TokenName);
                return token.Version;
            });
            var dictionary = new ConcurrentDictionary<string, CurrentToken>(StringComparer.Ordinal) { [BenchData.TokenName] = await keeper.GetAsync(BenchData.TokenName) };
            var dictionaryRate = await ParallelRateAsync(duration, () => ValueTask.FromResult(dictionary.TryGetValue(BenchData.TokenName, out var t) ? t.Version : 0));
            return (keeperRate, dictionaryRate);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    private static async Task<double> ParallelRateAsync(TimeSpan duration, Func<ValueTask<long>> call)
    {
        var threads = Environment.ProcessorCount;
        long total = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            long count = 0, sink = 0;
            while (clock.Elapsed < duration)
            {
                for (var i = 0; i < 1000; i++)
                {
                    sink += await call();
                }

                count += 1000;
            }

            Interlocked.Add(ref total, count + (sink == -1 ? 1 : 0));
        })).ToArray();
        await Task.WhenAll(workers);
        return total / clock.Elapsed.TotalSeconds;
    }
}
