using Evertoken.Storage;
using Npgsql;

namespace Evertoken.IntegrationTests.Postgres;

public sealed class PostgresClientKeyStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private PostgresTestDatabase _db = null!;
    private NpgsqlDataSource? _otherInstance;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _db = await PostgresTestDatabase.CreateAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_otherInstance is not null)
        {
            await _otherInstance.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_key_added_on_one_instance_is_found_listed_and_revoked_on_another()
    {
        var a = new PostgresClientKeyStore(_db.DataSource);
        _otherInstance = NpgsqlDataSource.Create(_db.ConnectionString);
        var b = new PostgresClientKeyStore(_otherInstance);
        await Task.WhenAll(a.InitializeAsync(Ct), b.InitializeAsync(Ct));
        var older = Key("k1", Start, ["proxy"], ["*"]);
        var newer = Key("k2", Start.AddMinutes(1), ["read-token", "send"], ["main", "backup"]);

        await a.AddAsync(older, Ct);
        await a.AddAsync(newer, Ct);

        (await b.GetAsync("k2", Ct)).ShouldBeEquivalentTo(newer);
        (await b.GetAsync("nope", Ct)).ShouldBeNull();
        (await b.ListAsync(Ct)).Select(k => k.Id).ShouldBe(["k2", "k1"]);
        (await b.RevokeAsync("k1", Start.AddHours(1), Ct)).ShouldBeTrue();
        (await a.RevokeAsync("k1", Start.AddHours(2), Ct)).ShouldBeFalse();
        (await a.RevokeAsync("nope", Start, Ct)).ShouldBeFalse();
        var revoked = (await a.GetAsync("k1", Ct)).ShouldNotBeNull();
        revoked.RevokedAt.ShouldBe(Start.AddHours(1));
        revoked.HasScope("proxy").ShouldBeFalse();
        await Should.ThrowAsync<PostgresException>(() => b.AddAsync(older, Ct));
    }

    private static ClientKey Key(string id, DateTimeOffset at, string[] scopes, string[] tokens) => new()
    {
        Id = id,
        Name = $"app-{id}",
        Scopes = scopes,
        Tokens = tokens,
        SecretHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. id.Select(c => (byte)c)])),
        CreatedAt = at,
    };
}
