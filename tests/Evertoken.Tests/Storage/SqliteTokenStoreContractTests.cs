using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

/// <summary>The store contract against a real SQLite file, one temp folder per test.</summary>
public sealed class SqliteTokenStoreContractTests : TokenStoreContractTests
{
    private readonly TempFolder _folder = new();

    protected override Task<ITokenStore> CreateStoreAsync() =>
        Task.FromResult<ITokenStore>(new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = _folder.File("evertoken.db") }, StoreTestData.NewProtector(), Time));

    protected override async ValueTask DisposeStoreAsync(ITokenStore store)
    {
        await base.DisposeStoreAsync(store);
        _folder.Dispose();
    }
}
