using System.Security.Cryptography;
using Evertoken.Storage;
using Evertoken.Storage.Internal;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using static Evertoken.Tests.Storage.StoreTestData;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>What only the PostgreSQL store does: encryption in the rows, the key check, rotation, the append-only
/// audit, concurrent migration by several instances, and the change notifications.</summary>
public sealed class PostgresTokenStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<PostgresTokenStore> _stores = [];
    private readonly byte[] _keyA = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _keyB = RandomNumberGenerator.GetBytes(32);
    private PostgresTestDatabase _db = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _db = await PostgresTestDatabase.CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rows_hold_token_values_and_app_secrets_only_encrypted()
    {
        var store = Create(new SecretProtector(_keyA));
        var value = TokenValue();
        var appSecret = AppSecret();
        await store.AddTokenAsync(NewToken("t", value), Ct);
        await store.UpsertAppAsync(new StoredApp("111", appSecret), Ct);

        var storedValue = (string)(await _db.ScalarAsync("SELECT value_enc FROM token_versions WHERE token_name = 't'", Ct))!;
        var storedSecret = (string)(await _db.ScalarAsync("SELECT secret_enc FROM apps WHERE app_id = '111'", Ct))!;

        storedValue.ShouldStartWith("ev1:");
        storedValue.ShouldNotContain(value[..20]);
        storedSecret.ShouldStartWith("ev1:");
        storedSecret.ShouldNotContain(appSecret);
    }

    [Fact]
    public async Task Opening_with_the_wrong_master_key_fails_at_once_and_names_the_database_not_the_password()
    {
        var original = Create(new SecretProtector(_keyA));
        await original.AddTokenAsync(NewToken("t"), Ct);

        var withPassword = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Password = "hunter2-not-needed" }.ConnectionString;
        var wrong = Create(new SecretProtector(_keyB), withPassword);
        var ex = await Should.ThrowAsync<MasterKeyException>(() => wrong.InitializeAsync(Ct));

        ex.Message.ShouldContain("does not match");
        ex.Message.ShouldContain("EVERTOKEN_MASTER_KEY");
        ex.Message.ShouldContain("PostgreSQL 127.0.0.1:");
        ex.Message.ShouldContain(_db.Schema);
        ex.Message.ShouldNotContain("hunter2");
        ex.Message.ShouldNotContain(Convert.ToBase64String(_keyA));
        ex.Message.ShouldNotContain(Convert.ToBase64String(_keyB));
        await Should.ThrowAsync<MasterKeyException>(() => Create(new SecretProtector(_keyB)).GetTokenAsync("t", Ct));
    }

    [Fact]
    public async Task Rotating_the_master_key_re_encrypts_everything_so_the_old_key_can_go()
    {
        var original = Create(new SecretProtector(_keyA));
        var v1 = TokenValue();
        var v2 = TokenValue();
        var appSecret = AppSecret();
        await original.AddTokenAsync(NewToken("t", v1), Ct);
        await original.AddVersionAsync("t", 1, Version(v2), Ct);
        await original.UpsertAppAsync(new StoredApp("111", appSecret), Ct);
        await original.UpsertAppAsync(new StoredApp("222", null), Ct);

        var rotating = Create(new SecretProtector(_keyB, [_keyA]));
        (await rotating.ReencryptAllAsync(Ct)).ShouldBe(3);
        var written = await rotating.AddVersionAsync("t", 2, Version(TokenValue()), Ct);
        (await rotating.ReencryptAllAsync(Ct)).ShouldBe(0);

        var newOnly = Create(new SecretProtector(_keyB));
        await newOnly.InitializeAsync(Ct);
        (await newOnly.GetHistoryAsync("t", Ct)).Select(v => v.Data.Value).ShouldBe([written!.Current.Data.Value, v2, v1]);
        (await newOnly.GetAppAsync("111", Ct)).ShouldBe(new StoredApp("111", appSecret));
        await Should.ThrowAsync<MasterKeyException>(() => Create(new SecretProtector(_keyA)).InitializeAsync(Ct));
    }

    [Fact]
    public async Task A_ciphertext_moved_to_another_row_fails_with_MasterKeyException()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AddTokenAsync(NewToken("a"), Ct);
        await store.AddTokenAsync(NewToken("b"), Ct);

        await _db.ScalarAsync("UPDATE token_versions SET value_enc = (SELECT value_enc FROM token_versions WHERE token_name = 'a') WHERE token_name = 'b'", Ct);

        await Should.ThrowAsync<MasterKeyException>(() => store.GetTokenAsync("b", Ct));
        (await store.GetTokenAsync("a", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task The_audit_table_refuses_update_delete_and_truncate()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AppendAuditAsync(new AuditEntry { At = Start, Action = "token.added", Actor = "cli", TokenName = "t" }, Ct);

        foreach (var sql in new[] { "UPDATE audit SET actor = 'x'", "DELETE FROM audit", "TRUNCATE audit" })
        {
            var ex = await Should.ThrowAsync<PostgresException>(() => _db.ScalarAsync(sql, Ct));
            ex.MessageText.ShouldContain("append-only");
        }

        (await store.ListAuditAsync(cancellationToken: Ct)).Single().Actor.ShouldBe("cli");
    }

    [Fact]
    public async Task Eight_instances_starting_at_once_on_a_new_database_migrate_it_once_and_share_one_key_check()
    {
        var protector = new SecretProtector(_keyA);
        var stores = Enumerable.Range(0, 8).Select(_ => Create(protector)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct), Ct)));

        Convert.ToInt64(await _db.ScalarAsync("SELECT COUNT(*) FROM schema_version", Ct)).ShouldBe(PostgresMigrations.Latest);
        Convert.ToInt64(await _db.ScalarAsync("SELECT COUNT(*) FROM key_check", Ct)).ShouldBe(1);
        await stores[3].AddTokenAsync(NewToken("t"), Ct);
        (await stores[5].GetTokenAsync("t", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Two_instances_started_at_once_with_different_keys_cannot_both_open_the_database()
    {
        var a = Create(new SecretProtector(_keyA));
        var b = Create(new SecretProtector(_keyB));

        var results = await Task.WhenAll(new[] { a, b }.Select(s => Task.Run(async () =>
        {
            try
            {
                await s.InitializeAsync(Ct);
                return true;
            }
            catch (MasterKeyException)
            {
                return false;
            }
        }, Ct)));

        results.Count(ok => ok).ShouldBe(1);
    }

    [Fact]
    public async Task A_database_from_a_newer_schema_is_refused()
    {
        await Create(new SecretProtector(_keyA)).InitializeAsync(Ct);
        await _db.ScalarAsync($"INSERT INTO schema_version (version, description, applied_at) VALUES ({PostgresMigrations.Latest + 1}, 'future', 0)", Ct);

        var ex = await Should.ThrowAsync<InvalidOperationException>(() => Create(new SecretProtector(_keyA)).InitializeAsync(Ct));

        ex.Message.ShouldContain("newer");
    }

    [Fact]
    public async Task Two_instances_racing_to_write_a_version_have_one_winner()
    {
        var protector = new SecretProtector(_keyA);
        var a = Create(protector);
        var b = Create(protector);
        await a.AddTokenAsync(NewToken("raced"), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).AddVersionAsync("raced", 1, Version(), Ct), Ct)));

        results.Count(r => r is not null).ShouldBe(1);
        (await b.GetHistoryAsync("raced", Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_new_version_or_a_removal_notifies_the_token_name_on_evertoken_tokens_and_a_health_update_does_not()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AddTokenAsync(NewToken("rotating"), Ct);
        await store.AddTokenAsync(NewToken("doomed"), Ct);
        var received = new List<string>();
        await using var listener = await _db.DataSource.OpenConnectionAsync(Ct);
        listener.Notification += (_, e) =>
        {
            e.Channel.ShouldBe("evertoken_tokens");
            received.Add(e.Payload);
        };
        await using (var listen = new NpgsqlCommand("LISTEN evertoken_tokens", listener))
        {
            await listen.ExecuteNonQueryAsync(Ct);
        }

        await store.UpdateHealthAsync("rotating", new TokenHealth { Status = TokenStatus.Healthy }, Ct);
        await store.AddVersionAsync("rotating", 1, Version(), Ct);
        await store.AddVersionAsync("rotating", 1, Version(), Ct); // lost race: nothing changes, nothing is sent
        await store.RemoveTokenAsync("doomed", Ct);
        // A marker sent last: once it arrives, everything before it has arrived (one session, commit order).
        await _db.ScalarAsync("SELECT pg_notify('evertoken_tokens', 'marker')", Ct);

        while (!received.Contains("marker"))
        {
            (await listener.WaitAsync(TimeSpan.FromSeconds(30), Ct)).ShouldBeTrue("a notification should arrive");
        }

        received.Where(n => n is "rotating" or "doomed").ShouldBe(["rotating", "doomed"]);
    }

    private PostgresTokenStore Create(SecretProtector protector, string? connectionString = null)
    {
        var store = new PostgresTokenStore(connectionString ?? _db.ConnectionString, protector, _time);
        _stores.Add(store);
        return store;
    }
}
