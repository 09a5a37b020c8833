using System.Net;
using System.Net.Http.Json;
using Evertoken.Emulator;

namespace Evertoken.IntegrationTests.Postgres;

[CollectionDefinition(nameof(PostgresScaleOut), DisableParallelization = true)]
public sealed class PostgresScaleOut;

/// <summary>Three in-process servers on one PostgreSQL schema, one emulator, one clock.</summary>
[Collection(nameof(PostgresScaleOut))]
public sealed class PostgresScaleOutTests : IAsyncLifetime
{
    private const int Reads = 10_000;
    private PostgresCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _cluster = await PostgresCluster.CreateAsync(TokenLifetime.SixtyDays, Ct);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _cluster.StartInProcessAsync(Ct)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ten_thousand_concurrent_reads_over_three_instances_during_an_expiry_cause_exactly_one_refresh()
    {
        var instances = _cluster.Instances;
        // Every instance caches version 1, then the clock moves inside the hard margin (12 hours left).
        foreach (var instance in instances)
        {
            (await instance.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version.ShouldBe(1);
        }

        _cluster.Emulator.Clock.Advance(TimeSpan.FromDays(59.5));
        RefreshCalls().ShouldBe(0);

        // All at once: each task waits on one gate; 1 in 40 goes through the HTTP API, the rest to the keeper.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = Enumerable.Range(0, Reads).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            var instance = instances[i % instances.Count];
            if (i % 40 == 0)
            {
                var view = await instance.Reader.GetFromJsonAsync<ValueView>($"/v1/tokens/{PostgresCluster.TokenName}/value", Ct);
                return (view!.Version, view.Value);
            }

            var token = await instance.Keeper.GetAsync(PostgresCluster.TokenName, Ct);
            return (token.Version, token.Value);
        }, Ct)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(reads);

        RefreshCalls().ShouldBe(1);
        results.Length.ShouldBe(Reads);
        results.Select(r => r.Version).Distinct().ShouldBe([2L]);
        var value = results.Select(r => r.Value).Distinct().ShouldHaveSingleItem();
        await using var store = _cluster.OpenStore();
        var stored = (await store.GetTokenAsync(PostgresCluster.TokenName, Ct)).ShouldNotBeNull();
        stored.Current.Number.ShouldBe(2);
        stored.Current.Data.Value.ShouldBe(value);
        stored.Current.Data.ExpiresAt.ShouldNotBeNull().ShouldBeGreaterThan(_cluster.Emulator.Clock.GetUtcNow().AddDays(59));
        (await store.GetHistoryAsync(PostgresCluster.TokenName, Ct)).Count.ShouldBe(2);
        (await store.ListAuditAsync(10_000, PostgresCluster.TokenName, Ct)).Count(a => a.Action == "token.rotated").ShouldBe(1);
    }

    [Fact]
    public async Task A_rotation_on_one_instance_reaches_the_caches_of_the_others()
    {
        var (a, b, c) = (_cluster.Instances[0], _cluster.Instances[1], _cluster.Instances[2]);
        var before = await b.Keeper.GetAsync(PostgresCluster.TokenName, Ct);
        (await c.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version.ShouldBe(before.Version);

        var rotated = await a.Keeper.RefreshAsync(PostgresCluster.TokenName, cancellationToken: Ct);

        rotated.Rotated.ShouldBeTrue();
        // b and c hold version 1 in memory, well before any expiry: only the notification makes them re-read.
        await Poll.UntilAsync(async () => (await b.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version == rotated.Current.Version, "instance b serves the new version");
        await Poll.UntilAsync(async () => (await c.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version == rotated.Current.Version, "instance c serves the new version");
        var served = await c.Reader.GetFromJsonAsync<ValueView>($"/v1/tokens/{PostgresCluster.TokenName}/value", Ct);
        served!.Value.ShouldBe(rotated.Current.Value);
        RefreshCalls().ShouldBe(1);
    }

    [Fact]
    public async Task After_the_listener_connections_are_cut_the_instances_reconnect_and_still_pick_up_rotations()
    {
        var (a, b) = (_cluster.Instances[0], _cluster.Instances[1]);
        (await b.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version.ShouldBe(1);

        // Cut every LISTEN session in the database (only this collection's servers listen while it runs).
        await Poll.UntilAsync(async () => Convert.ToInt64(await _cluster.Database.ScalarAsync(ListenerSessions("COUNT(*)"), Ct)) >= 3, "three listeners");
        await _cluster.Database.ScalarAsync(ListenerSessions("pg_terminate_backend(pid)"), Ct);
        var rotated = await a.Keeper.RefreshAsync(PostgresCluster.TokenName, cancellationToken: Ct);

        await Poll.UntilAsync(async () => (await b.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version == rotated.Current.Version, "instance b serves the new version");
        await Poll.UntilAsync(async () => Convert.ToInt64(await _cluster.Database.ScalarAsync(ListenerSessions("COUNT(*)"), Ct)) >= 3, "the listeners are back");
        var again = await a.Keeper.RefreshAsync(PostgresCluster.TokenName, cancellationToken: Ct);
        await Poll.UntilAsync(async () => (await b.Keeper.GetAsync(PostgresCluster.TokenName, Ct)).Version == again.Current.Version, "instance b serves the next version");
    }

    [Fact]
    public async Task Every_instance_serves_the_value_to_the_client_key_from_the_shared_store_and_audits_the_read()
    {
        foreach (var instance in _cluster.Instances)
        {
            using var response = await instance.Admin.GetAsync($"/v1/tokens/{PostgresCluster.TokenName}/value", Ct);
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            (await instance.Reader.GetFromJsonAsync<ValueView>($"/v1/tokens/{PostgresCluster.TokenName}/value", Ct))!.Version.ShouldBe(1);
        }

        // Reads are audited behind the answer, in batches: poll the shared store.
        await using var store = _cluster.OpenStore();
        await Poll.UntilAsync(async () => (await store.ListAuditAsync(10, PostgresCluster.TokenName, Ct)).Count(e => e.Action == "token.read") == 3, "three audited reads");
    }

    private int RefreshCalls() => _cluster.Emulator.Calls.Count(c => c.Path == "/oauth/access_token" && c.Status == 200);

    private static string ListenerSessions(string select) =>
        $"SELECT {select} FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND (query LIKE 'LISTEN evertoken_tokens%' OR query LIKE 'SELECT name, current_version FROM tokens%')";

    private sealed record ValueView(string Name, long Version, string Value, DateTimeOffset? ExpiresAt, string? AppSecretProof);
}
