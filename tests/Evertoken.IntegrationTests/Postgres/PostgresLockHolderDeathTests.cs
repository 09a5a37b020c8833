using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Evertoken.Emulator;
using Evertoken.Graph;
using Evertoken.Tokens;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// Three <c>evertoken serve</c> processes on one PostgreSQL schema. The refresh is made slow at the emulator; the
/// process holding the refresh lock is killed with -9 mid-refresh; the survivors must end with one new token, stored
/// once and served by both.
/// </summary>
[Collection(nameof(PostgresScaleOut))]
public sealed class PostgresLockHolderDeathTests : IAsyncLifetime
{
    private readonly List<ServerProcess> _servers = [];
    private PostgresCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        // 6 hours left in real time (the children read the system clock): inside the 1-day hard margin, so the first
        // read on each instance renews inline.
        _cluster = await PostgresCluster.CreateAsync(TokenLifetime.FromSeconds(6 * 3600), Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            server.Dispose();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Killing_the_lock_holder_mid_refresh_leaves_the_survivors_with_one_working_new_token()
    {
        // The first exchange hangs for two minutes (the holder will die long before); later ones are normal.
        _cluster.Emulator.State.AddFault(new FaultSpec { Path = "/oauth/access_token", DelayMs = 120_000, Count = 1 });
        for (var i = 0; i < 3; i++)
        {
            var config = _cluster.Config(_cluster.NewFolder());
            var environment = config.Where(kv => kv.Key != "MasterKey:Key")
                .ToDictionary(kv => "EVERTOKEN__" + kv.Key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant(), kv => kv.Value!);
            environment["EVERTOKEN_MASTER_KEY"] = _cluster.MasterKey;
            _servers.Add(ServerProcess.Start(environment));
        }

        await Task.WhenAll(_servers.Select(s => s.WaitReadyAsync(Ct)));
        await using var store = _cluster.OpenStore();
        var original = (await store.GetTokenAsync(PostgresCluster.TokenName, Ct)).ShouldNotBeNull();

        var reads = _servers.ToDictionary(s => s, s => ReadValueAsync(s.BaseUrl));
        var key = new PostgresRefreshLock(_cluster.Database.DataSource).KeyOf(PostgresCluster.TokenName);
        await Poll.UntilAsync(async () => await CountAsync($"NOT granted AND {KeyMatch(key)}") == 2, "the other two instances queue for the lock");
        var holderName = (string)(await _cluster.Database.ScalarAsync(
            $"SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND {KeyMatch(key)}", Ct))!;
        var holder = _servers.Single(s => holderName.Contains($"(pid {s.Pid} ", StringComparison.Ordinal));
        // Mid-refresh: the holder's exchange reached the emulator (the one-shot fault is used up) and hangs there.
        using var control = new HttpClient { BaseAddress = _cluster.Emulator.BaseUrl };
        await Poll.UntilAsync(async () => (await control.GetStringAsync("_emulator/faults", Ct)).Trim() == "[]", "the holder's exchange reaches the emulator");
        _cluster.Emulator.Calls.Count(c => c.Path == "/oauth/access_token").ShouldBe(0, "the holder's exchange is still held by the fault");

        holder.Kill();

        await Should.ThrowAsync<HttpRequestException>(() => reads[holder]);
        var survivors = _servers.Where(s => s != holder).ToList();
        ValueView[] served;
        try
        {
            served = await Task.WhenAll(survivors.Select(s => reads[s]));
        }
        catch (HttpRequestException e)
        {
            throw new InvalidOperationException($"A survivor failed: {e.Message}\n{string.Join("\n---\n", survivors.Select(s => s.Output))}", e);
        }

        served.Select(v => v.Version).ShouldBe([2L, 2L], string.Join("\n---\n", survivors.Select(s => s.Output)));
        served[0].Value.ShouldBe(served[1].Value);
        served[0].Value.ShouldNotBe(original.Current.Data.Value);

        var stored = (await store.GetTokenAsync(PostgresCluster.TokenName, Ct)).ShouldNotBeNull();
        stored.Current.Number.ShouldBe(2);
        stored.Current.Data.Value.ShouldBe(served[0].Value);
        (await store.GetHistoryAsync(PostgresCluster.TokenName, Ct)).Count.ShouldBe(2);
        _cluster.Emulator.Calls.Count(c => c.Path == "/oauth/access_token" && c.Status == 200).ShouldBe(1);
        (await CountAsync(KeyMatch(key))).ShouldBe(0, "nobody holds or waits for the lock any more");

        // The new token works at "Meta".
        using var graph = new HttpClient { BaseAddress = _cluster.Emulator.BaseUrl };
        graph.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", served[0].Value);
        using var me = await graph.GetAsync($"{new GraphOptions().Version}/me", Ct);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var survivor in survivors)
        {
            survivor.HasExited.ShouldBeFalse(survivor.Output);
        }
    }

    private async Task<ValueView> ReadValueAsync(Uri baseUrl)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(3) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _cluster.ReadKey);
        return (await http.GetFromJsonAsync<ValueView>($"/v1/tokens/{PostgresCluster.TokenName}/value", Ct))!;
    }

    private async Task<long> CountAsync(string where) =>
        Convert.ToInt64(await _cluster.Database.ScalarAsync($"SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND {where}", Ct));

    private static string KeyMatch(long key) => $"classid = {(uint)(key >> 32)} AND objid = {(uint)key} AND objsubid = 1";

    private sealed record ValueView(string Name, long Version, string Value, DateTimeOffset? ExpiresAt, string? AppSecretProof);
}
