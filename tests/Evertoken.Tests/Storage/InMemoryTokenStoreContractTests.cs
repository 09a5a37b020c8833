using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

public sealed class InMemoryTokenStoreContractTests : TokenStoreContractTests
{
    protected override Task<ITokenStore> CreateStoreAsync() => Task.FromResult<ITokenStore>(new InMemoryTokenStore(Time));
}
