using System.Security.Cryptography;
using System.Text;
using Evertoken.Storage;
using Evertoken.Storage.Internal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using static Evertoken.Tests.Storage.StoreTestData;

namespace Evertoken.Tests.Storage;

/// <summary>What only the SQLite store does: encryption at rest, the master key check, rotation, files, processes.</summary>
public sealed class SqliteTokenStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FakeTimeProvider _time = new(Start);
    private readonly List<SqliteTokenStore> _stores = [];
    private readonly byte[] _keyA = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _keyB = RandomNumberGenerator.GetBytes(32);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DbPath => _folder.File("evertoken.db");

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task The_database_and_wal_files_never_hold_a_token_value_or_app_secret_in_clear()
    {
        var store = Create(new SecretProtector(_keyA));
        var secrets = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var first = TokenValue();
            await store.AddTokenAsync(NewToken($"token-{i}", first), Ct);
            var second = TokenValue();
            await store.AddVersionAsync($"token-{i}", 1, Version(second, "refreshed"), Ct);
            var appSecret = AppSecret();
            await store.UpsertAppAsync(new StoredApp($"app-{i}", appSecret, "An app"), Ct);
            secrets.AddRange([first, second, appSecret]);
        }

        // The scan must be able to see data: the (non-secret) token names are stored in clear.
        ReadFiles().ShouldContain(bytes => Contains(bytes, "token-2"));
        AssertNoSecretIn(ReadFiles(), secrets);

        await CheckpointAsync();

        Contains(File.ReadAllBytes(DbPath), "token-2").ShouldBeTrue("after a checkpoint the main file holds the rows");
        AssertNoSecretIn(ReadFiles(), secrets);
    }

    [Fact]
    public async Task Opening_with_the_wrong_master_key_fails_at_once_with_a_helpful_message()
    {
        var original = Create(new SecretProtector(_keyA));
        await original.AddTokenAsync(NewToken("t"), Ct);
        original.Dispose();

        var wrong = Create(new SecretProtector(_keyB));
        var ex = await Should.ThrowAsync<MasterKeyException>(() => wrong.InitializeAsync(Ct));

        ex.Message.ShouldContain("does not match");
        ex.Message.ShouldContain("EVERTOKEN_MASTER_KEY");
        ex.Message.ShouldContain("EVERTOKEN_PREVIOUS_MASTER_KEYS");
        ex.Message.ShouldContain(DbPath);
        ex.Message.ShouldContain(SecretProtector.KeyIdOf(_keyA));
        ex.Message.ShouldNotContain(Convert.ToBase64String(_keyA));
        ex.Message.ShouldNotContain(Convert.ToBase64String(_keyB));
        // Operations that initialise on first use fail the same way.
        await Should.ThrowAsync<MasterKeyException>(() => Create(new SecretProtector(_keyB)).GetTokenAsync("t", Ct));
    }

    [Fact]
    public async Task Opening_with_the_old_key_as_a_previous_key_works()
    {
        var value = TokenValue();
        var original = Create(new SecretProtector(_keyA));
        await original.AddTokenAsync(NewToken("t", value), Ct);
        original.Dispose();

        var rotated = Create(new SecretProtector(_keyB, [_keyA]));
        await rotated.InitializeAsync(Ct);

        (await rotated.GetTokenAsync("t", Ct))!.Current.Data.Value.ShouldBe(value);
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
        original.Dispose();

        var rotating = Create(new SecretProtector(_keyB, [_keyA]));
        (await rotating.ReencryptAllAsync(Ct)).ShouldBe(3);
        var written = await rotating.AddVersionAsync("t", 2, Version(TokenValue()), Ct);
        (await rotating.ReencryptAllAsync(Ct)).ShouldBe(0);
        rotating.Dispose();

        var newOnly = Create(new SecretProtector(_keyB));
        await newOnly.InitializeAsync(Ct);
        (await newOnly.GetHistoryAsync("t", Ct)).Select(v => v.Data.Value).ShouldBe([written!.Current.Data.Value, v2, v1]);
        (await newOnly.GetAppAsync("111", Ct)).ShouldBe(new StoredApp("111", appSecret));
        (await newOnly.GetAppAsync("222", Ct)).ShouldBe(new StoredApp("222", null));
        newOnly.Dispose();

        await Should.ThrowAsync<MasterKeyException>(() => Create(new SecretProtector(_keyA)).InitializeAsync(Ct));
    }

    [Fact]
    public async Task A_tampered_value_fails_with_MasterKeyException_not_garbage()
    {
        var value = TokenValue();
        var store = Create(new SecretProtector(_keyA));
        await store.AddTokenAsync(NewToken("t", value), Ct);
        var stored = await ScalarAsync<string>("SELECT value_enc FROM token_versions WHERE token_name = 't'");
        var middle = stored.Length - 30;
        var tampered = stored[..middle] + (stored[middle] == 'A' ? 'B' : 'A') + stored[(middle + 1)..];
        await ExecuteAsync("UPDATE token_versions SET value_enc = @v WHERE token_name = 't'", ("@v", tampered));

        var ex = await Should.ThrowAsync<MasterKeyException>(() => store.GetTokenAsync("t", Ct));

        ex.Message.ShouldContain("integrity");
        ex.Message.ShouldNotContain(value);
    }

    [Fact]
    public async Task Swapping_two_rows_ciphertexts_is_detected()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AddTokenAsync(NewToken("a"), Ct);
        await store.AddTokenAsync(NewToken("b"), Ct);
        await store.UpsertAppAsync(new StoredApp("1", AppSecret()), Ct);
        await store.UpsertAppAsync(new StoredApp("2", AppSecret()), Ct);
        var a = await ScalarAsync<string>("SELECT value_enc FROM token_versions WHERE token_name = 'a'");
        var b = await ScalarAsync<string>("SELECT value_enc FROM token_versions WHERE token_name = 'b'");
        var app1 = await ScalarAsync<string>("SELECT secret_enc FROM apps WHERE app_id = '1'");

        await ExecuteAsync("UPDATE token_versions SET value_enc = @v WHERE token_name = 'a'", ("@v", b));
        await ExecuteAsync("UPDATE token_versions SET value_enc = @v WHERE token_name = 'b'", ("@v", a));
        await ExecuteAsync("UPDATE apps SET secret_enc = @v WHERE app_id = '2'", ("@v", app1));

        await Should.ThrowAsync<MasterKeyException>(() => store.GetTokenAsync("a", Ct));
        await Should.ThrowAsync<MasterKeyException>(() => store.GetTokenAsync("b", Ct));
        await Should.ThrowAsync<MasterKeyException>(() => store.GetAppAsync("2", Ct));
        (await store.GetAppAsync("1", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_version_moved_to_another_version_number_of_the_same_token_is_detected()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AddTokenAsync(NewToken("t"), Ct);
        await store.AddVersionAsync("t", 1, Version(), Ct);
        var old = await ScalarAsync<string>("SELECT value_enc FROM token_versions WHERE number = 1");

        // Rolling the current version back to an older (perhaps revoked) value must not pass silently.
        await ExecuteAsync("UPDATE token_versions SET value_enc = @v WHERE number = 2", ("@v", old));

        await Should.ThrowAsync<MasterKeyException>(() => store.GetTokenAsync("t", Ct));
    }

    [Fact]
    public async Task Data_survives_closing_and_reopening_the_file()
    {
        var protector = new SecretProtector(_keyA);
        var first = Create(protector);
        var added = await first.AddTokenAsync(NewToken("t"), Ct);
        await first.AppendAuditAsync(new AuditEntry { At = Start, Action = "token.added", Actor = "cli", TokenName = "t" }, Ct);
        first.Dispose();

        var reopened = await SqliteTokenStore.OpenAsync(DbPath, protector, _time, Ct);
        _stores.Add(reopened);

        (await reopened.GetTokenAsync("t", Ct)).ShouldBe(added);
        (await reopened.ListAuditAsync(cancellationToken: Ct)).Single().Action.ShouldBe("token.added");
    }

    [Fact]
    public async Task Two_stores_on_one_file_race_like_two_processes_and_only_one_write_wins()
    {
        var protector = new SecretProtector(_keyA);
        var one = Create(protector);
        var two = Create(protector);
        await one.AddTokenAsync(NewToken("raced"), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 50)
            .Select(i => Task.Run(() => (i % 2 == 0 ? one : two).AddVersionAsync("raced", 1, Version(), Ct), Ct)));

        results.Count(r => r is not null).ShouldBe(1);
        (await two.GetHistoryAsync("raced", Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Several_stores_initialising_a_new_file_at_once_migrate_it_once()
    {
        var protector = new SecretProtector(_keyA);
        var stores = Enumerable.Range(0, 4).Select(_ => Create(protector)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(Ct), Ct)));

        (await ScalarAsync<long>("SELECT COUNT(*) FROM schema_version")).ShouldBe(SqliteMigrations.All.Count);
        (await ScalarAsync<long>("SELECT COUNT(*) FROM key_check")).ShouldBe(1);
        await stores[0].AddTokenAsync(NewToken("t"), Ct);
        (await stores[3].GetTokenAsync("t", Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task The_file_is_in_wal_mode_and_created_owner_only_in_a_new_folder()
    {
        var path = _folder.File(Path.Combine("nested", "data", "store.db"));
        var store = Create(new SecretProtector(_keyA), path);

        await store.InitializeAsync(Ct);

        (await ScalarAsync<string>("PRAGMA journal_mode", path)).ShouldBe("wal");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(Path.GetDirectoryName(path)!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task The_audit_table_refuses_updates_and_deletes()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.AppendAuditAsync(new AuditEntry { At = Start, Action = "login.failed", Actor = "admin" }, Ct);

        (await Should.ThrowAsync<SqliteException>(() => ExecuteAsync("UPDATE audit SET actor = 'someone else'"))).Message.ShouldContain("append-only");
        (await Should.ThrowAsync<SqliteException>(() => ExecuteAsync("DELETE FROM audit"))).Message.ShouldContain("append-only");
        (await store.ListAuditAsync(cancellationToken: Ct)).Single().Actor.ShouldBe("admin");
    }

    [Fact]
    public async Task A_file_from_a_newer_schema_is_refused()
    {
        var store = Create(new SecretProtector(_keyA));
        await store.InitializeAsync(Ct);
        await ExecuteAsync("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', 0)");

        var ex = await Should.ThrowAsync<InvalidOperationException>(() => Create(new SecretProtector(_keyA)).InitializeAsync(Ct));

        ex.Message.ShouldContain("999");
    }

    [Fact]
    public void An_in_memory_sqlite_path_is_refused()
    {
        Should.Throw<ArgumentException>(() => new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = ":memory:" }, new SecretProtector(_keyA)));
    }

    private SqliteTokenStore Create(SecretProtector protector, string? path = null)
    {
        var store = new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = path ?? DbPath }, protector, _time);
        _stores.Add(store);
        return store;
    }

    private List<byte[]> ReadFiles() =>
        new[] { DbPath, DbPath + "-wal" }.Where(File.Exists).Select(ReadShared).ToList();

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static bool Contains(byte[] haystack, string text) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;

    private static void AssertNoSecretIn(List<byte[]> files, List<string> secrets)
    {
        foreach (var file in files)
        {
            foreach (var secret in secrets)
            {
                Contains(file, secret).ShouldBeFalse("a secret is stored in clear");
                // Even a fragment would be a leak.
                Contains(file, secret[..16]).ShouldBeFalse("part of a secret is stored in clear");
            }
        }
    }

    private async Task CheckpointAsync()
    {
        await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private SqliteConnection RawConnection(string? path = null) =>
        new(new SqliteConnectionStringBuilder { DataSource = path ?? DbPath, Pooling = false }.ToString());

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = RawConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<T> ScalarAsync<T>(string sql, string? path = null)
    {
        await using var connection = RawConnection(path);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync(Ct))!;
    }
}
