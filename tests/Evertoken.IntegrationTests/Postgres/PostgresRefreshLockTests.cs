using Evertoken.Tokens;
using Npgsql;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>The advisory lock across instances: each "instance" here is its own connection pool.</summary>
public sealed class PostgresRefreshLockTests : IAsyncLifetime
{
    private readonly List<NpgsqlDataSource> _pools = [];
    private PostgresTestDatabase _db = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _db = await PostgresTestDatabase.CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools)
        {
            await pool.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_second_instance_waits_until_the_holder_releases()
    {
        var a = Instance();
        var b = Instance();
        var held = await a.AcquireAsync("main", Ct);

        var waiting = b.AcquireAsync("main", Ct).AsTask();
        await WaitForWaitersAsync(a.KeyOf("main"), 1);

        waiting.IsCompleted.ShouldBeFalse();
        (await HolderCountAsync(a.KeyOf("main"))).ShouldBe(1);
        await held.DisposeAsync();
        await using var second = await waiting;
        (await HolderCountAsync(a.KeyOf("main"))).ShouldBe(1);
    }

    [Fact]
    public async Task When_the_holder_dies_its_session_ends_and_the_waiter_gets_the_lock()
    {
        var a = Instance();
        var b = Instance();
        var key = a.KeyOf("main");
        var held = await a.AcquireAsync("main", Ct);
        var waiting = b.AcquireAsync("main", Ct).AsTask();
        await WaitForWaitersAsync(key, 1);

        // The holder's process is gone: the server ends its session (what a kill -9 does to the socket).
        var terminated = await _db.ScalarAsync($"SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND {KeyMatch(key)}", Ct);
        terminated.ShouldBe(true);

        await using var taken = await waiting;
        (await HolderCountAsync(key)).ShouldBe(1);
        await held.DisposeAsync(); // releasing through a dead connection is harmless
        (await HolderCountAsync(key)).ShouldBe(1);
    }

    [Fact]
    public async Task Different_tokens_do_not_block_each_other()
    {
        var a = Instance();
        var b = Instance();
        await using var main = await a.AcquireAsync("main", Ct);

        await using var other = await b.AcquireAsync("other", Ct);

        a.KeyOf("main").ShouldNotBe(a.KeyOf("other"));
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_no_lock_behind()
    {
        var a = Instance();
        var b = Instance();
        var key = a.KeyOf("main");
        var held = await a.AcquireAsync("main", Ct);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = b.AcquireAsync("main", cancel.Token).AsTask();
        await WaitForWaitersAsync(key, 1);

        await cancel.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => waiting);
        await held.DisposeAsync();

        (await HolderCountAsync(key)).ShouldBe(0);
        await using var again = await b.AcquireAsync("main", Ct);
        (await HolderCountAsync(key)).ShouldBe(1);
    }

    [Fact]
    public async Task The_key_depends_on_the_search_path_so_deployments_in_other_schemas_are_independent()
    {
        var here = Instance();
        var elsewhere = new PostgresRefreshLock(Pool(new NpgsqlConnectionStringBuilder(_db.AdminConnectionString) { SearchPath = "another_deployment" }.ConnectionString));

        here.KeyOf("main").ShouldNotBe(elsewhere.KeyOf("main"));
        here.KeyOf("main").ShouldBe(Instance().KeyOf("main"));
    }

    [Fact]
    public async Task The_lock_connection_names_the_holding_process_in_pg_stat_activity()
    {
        var a = Instance();
        await using var held = await a.AcquireAsync("main", Ct);

        var name = await _db.ScalarAsync($"SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND {KeyMatch(a.KeyOf("main"))}", Ct);

        name.ShouldBe(PostgresRefreshLock.ApplicationName);
        ((string)name!).ShouldContain($"pid {Environment.ProcessId}");
    }

    private PostgresRefreshLock Instance() => new(Pool(_db.ConnectionString));

    private NpgsqlDataSource Pool(string connectionString)
    {
        var pool = NpgsqlDataSource.Create(connectionString);
        _pools.Add(pool);
        return pool;
    }

    // pg_locks shows a bigint advisory key as classid (high 32 bits) and objid (low 32 bits), objsubid 1.
    private static string KeyMatch(long key) =>
        $"classid = {(uint)(key >> 32)} AND objid = {(uint)key} AND objsubid = 1";

    private async Task<long> HolderCountAsync(long key) =>
        Convert.ToInt64(await _db.ScalarAsync($"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND {KeyMatch(key)}", Ct));

    private Task WaitForWaitersAsync(long key, int count) => Poll.UntilAsync(
        async () => Convert.ToInt64(await _db.ScalarAsync($"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND {KeyMatch(key)}", Ct)) >= count,
        $"{count} instance(s) queued for the lock");
}
