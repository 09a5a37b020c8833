using Evertoken.Storage;
using Evertoken.Tests.Storage;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>The store contract (the same suite as SQLite and in-memory) against PostgreSQL, one schema per test.</summary>
public sealed class PostgresTokenStoreContractTests : TokenStoreContractTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<ITokenStore> CreateStoreAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(Ct);
        return new PostgresTokenStore(_database.ConnectionString, StoreTestData.NewProtector(), Time);
    }

    protected override async ValueTask DisposeStoreAsync(ITokenStore store)
    {
        await base.DisposeStoreAsync(store);
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
