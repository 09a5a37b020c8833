using Evertoken.Server.Auth;
using Evertoken.Storage;
using Evertoken.Tests.Storage;

namespace Evertoken.Tests.Server;

/// <summary>The client key cache the proxy checks every call against.</summary>
public sealed class ClientKeyCacheTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task A_key_is_read_from_the_store_once_then_checked_from_memory_with_its_secret()
    {
        var (store, id, key) = await StoreWithKeyAsync();
        var cache = new ClientKeyCache(store, TimeProvider.System);

        cache.TryAuthenticateCached(key, out _).ShouldBeFalse("not loaded yet");
        (await cache.AuthenticateAsync(key, Ct))!.Id.ShouldBe(id);

        cache.TryAuthenticateCached(key, out var cached).ShouldBeTrue();
        cached!.Id.ShouldBe(id);
        var wrongSecret = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        cache.TryAuthenticateCached(wrongSecret, out var wrong).ShouldBeTrue();
        wrong.ShouldBeNull();
        (await cache.AuthenticateAsync(wrongSecret, Ct)).ShouldBeNull();
        cache.TryAuthenticateCached(key + new string('x', 300), out var tooLong).ShouldBeTrue();
        tooLong.ShouldBeNull();
    }

    [Fact]
    public async Task A_matched_secret_is_remembered_only_once_it_matched_and_only_that_secret_passes()
    {
        var (store, id, key) = await StoreWithKeyAsync();
        var cache = new ClientKeyCache(store, TimeProvider.System);
        var wrongSecret = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');
        var shorter = key[..^1];

        // A wrong secret presented first is checked against the hash and not remembered.
        (await cache.AuthenticateAsync(wrongSecret, Ct)).ShouldBeNull();
        cache.TryAuthenticateCached(wrongSecret, out var first).ShouldBeTrue();
        first.ShouldBeNull();

        for (var i = 0; i < 3; i++)
        {
            cache.TryAuthenticateCached(key, out var right).ShouldBeTrue();
            right!.Id.ShouldBe(id, $"call {i}");
            cache.TryAuthenticateCached(wrongSecret, out var wrong).ShouldBeTrue();
            wrong.ShouldBeNull($"call {i}: same length as the remembered secret");
            cache.TryAuthenticateCached(shorter, out var other).ShouldBeTrue();
            other.ShouldBeNull($"call {i}: another length, checked against the hash");
        }
    }

    [Fact]
    public async Task Malformed_and_unknown_keys_are_refused_and_a_revoked_key_is_refused_once_forgotten()
    {
        var (store, id, key) = await StoreWithKeyAsync();
        var cache = new ClientKeyCache(store, TimeProvider.System);
        (await cache.AuthenticateAsync(key, Ct)).ShouldNotBeNull();

        foreach (var malformed in new[] { "", "etk_", "etk_abc", "etk__secret", "etk_abc_", "EAAsomeMetaToken" })
        {
            cache.TryAuthenticateCached(malformed, out var none).ShouldBeTrue(malformed);
            none.ShouldBeNull();
            (await cache.AuthenticateAsync(malformed, Ct)).ShouldBeNull(malformed);
        }

        (await cache.AuthenticateAsync("etk_000000000000_" + new string('x', 43), Ct)).ShouldBeNull();
        cache.TryAuthenticateCached("etk_000000000000_" + new string('x', 43), out var unknown).ShouldBeTrue("the miss is cached too");
        unknown.ShouldBeNull();

        (await store.RevokeAsync(id, DateTimeOffset.UnixEpoch, Ct)).ShouldBeTrue();
        cache.Forget(id);
        (await cache.AuthenticateAsync(key, Ct)).ShouldBeNull();
        cache.TryAuthenticateCached(key, out var revoked).ShouldBeTrue();
        revoked.ShouldBeNull();
    }

    [Fact]
    public async Task A_key_revoked_or_created_through_another_instance_takes_effect_after_the_refresh_time()
    {
        var (store, id, key) = await StoreWithKeyAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var cache = new ClientKeyCache(store, clock);
        var (newId, newKey, newHash) = ClientKeySecret.Create();
        (await cache.AuthenticateAsync(key, Ct)).ShouldNotBeNull();
        (await cache.AuthenticateAsync(newKey, Ct)).ShouldBeNull("not created yet");

        // Another instance revokes one key and creates the other in the shared store; this cache is not told.
        (await store.RevokeAsync(id, DateTimeOffset.UnixEpoch, Ct)).ShouldBeTrue();
        await store.AddAsync(new ClientKey { Id = newId, Name = "new", Scopes = ["proxy"], Tokens = ["main"], SecretHash = newHash, CreatedAt = DateTimeOffset.UnixEpoch }, Ct);
        clock.Advance(ClientKeyCache.RefreshAfter - TimeSpan.FromMilliseconds(1));
        (await cache.AuthenticateAsync(key, Ct)).ShouldNotBeNull("still within the refresh time");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        cache.TryAuthenticateCached(key, out _).ShouldBeFalse("stale: read the store again");
        (await cache.AuthenticateAsync(key, Ct)).ShouldBeNull();
        (await cache.AuthenticateAsync(newKey, Ct))!.Id.ShouldBe(newId);
    }

    public void Dispose() => _folder.Dispose();

    private async Task<(SqliteClientKeyStore Store, string Id, string Key)> StoreWithKeyAsync()
    {
        var store = new SqliteClientKeyStore(_folder.File("evertoken.db"));
        await store.InitializeAsync(Ct);
        var (id, key, hash) = ClientKeySecret.Create();
        await store.AddAsync(new ClientKey { Id = id, Name = "app", Scopes = ["proxy"], Tokens = ["main"], SecretHash = hash, CreatedAt = DateTimeOffset.UnixEpoch }, Ct);
        return (store, id, key);
    }
}
