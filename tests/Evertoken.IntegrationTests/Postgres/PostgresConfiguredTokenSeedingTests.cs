using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// Every instance of a deployment carries the same <c>Tokens:</c> configuration; started at once on an empty shared
/// store, they race to add it. One adds it, the others see it was added and start normally.
/// </summary>
[Collection(nameof(PostgresScaleOut))]
public sealed class PostgresConfiguredTokenSeedingTests
{
    [Fact]
    public async Task Three_instances_starting_at_once_with_the_same_configured_token_all_start_and_store_it_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await PostgresCluster.CreateAsync(TokenLifetime.SixtyDays, ct);
        var sample = cluster.Emulator.Sample;
        var seeded = new Dictionary<string, string?>
        {
            ["Tokens:0:Name"] = "configured",
            ["Tokens:0:Token"] = sample.SystemUserToken60Days,
            ["Tokens:0:AppId"] = sample.AppId,
            ["Tokens:0:AppSecret"] = sample.AppSecret,
            ["Tokens:0:PhoneNumberId"] = sample.PhoneNumberId,
        };

        var started = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => cluster.StartInProcessAsync(ct, seeded), ct)));

        started.Length.ShouldBe(3);
        await using var store = cluster.OpenStore();
        var token = await store.GetTokenAsync("configured", ct);
        token.ShouldNotBeNull();
        token.Current.Number.ShouldBe(1);
        token.Current.Data.Value.ShouldBe(sample.SystemUserToken60Days);
        foreach (var instance in started)
        {
            (await instance.Keeper.GetAsync("configured", ct)).Value.ShouldBe(sample.SystemUserToken60Days);
        }
    }
}
