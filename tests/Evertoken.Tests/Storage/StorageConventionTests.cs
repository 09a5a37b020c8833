using Evertoken.Storage;

namespace Evertoken.Tests.Storage;

public sealed class StorageConventionTests
{
    private static readonly Type[] StorageTypes = typeof(ITokenStore).Assembly.GetTypes()
        .Where(t => t.Namespace?.StartsWith("Evertoken.Storage", StringComparison.Ordinal) == true && !t.IsNested)
        .ToArray();

    [Fact]
    public void Every_type_under_Storage_Internal_is_internal()
    {
        StorageTypes.Where(t => t.Namespace == "Evertoken.Storage.Internal" && t.IsPublic).ShouldBeEmpty();
    }

    [Fact]
    public void Every_public_storage_class_is_sealed_or_static()
    {
        StorageTypes.Where(t => t.IsPublic && t.IsClass && !t.IsSealed && !t.IsAbstract).ShouldBeEmpty();
    }
}
