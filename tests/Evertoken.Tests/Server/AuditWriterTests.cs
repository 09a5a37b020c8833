using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Evertoken.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evertoken.Tests.Server;

/// <summary>The audit writer behind token reads: queued entries reach the store in batches, nothing is lost at stop.</summary>
public sealed class AuditWriterTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Entries_queued_by_many_callers_are_all_in_the_store_after_a_flush_in_fewer_commits_than_entries()
    {
        await using var sqlite = new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = _folder.File("evertoken.db") }, StoreTestData.NewProtector());
        var store = new BatchCountingStore(sqlite);
        var writer = new AuditWriter(store, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Ct);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await writer.AppendAsync(Entry($"read.{caller}.{i}"), Ct);
            }
        }, Ct)));
        await writer.FlushAsync(Ct);

        var entries = await sqlite.ListAuditAsync(1000, cancellationToken: Ct);
        entries.Count.ShouldBe(800);
        entries.Select(e => e.Action).Distinct().Count().ShouldBe(800);
        // Each caller's entries keep their order.
        entries.Where(e => e.Action.StartsWith("read.3.", StringComparison.Ordinal)).Reverse().Select(e => e.Action)
            .ShouldBe(Enumerable.Range(0, 100).Select(i => $"read.3.{i}"));
        store.Batches.ShouldBeLessThan(800);
        await writer.StopAsync(Ct);
    }

    [Fact]
    public async Task Stopping_commits_what_is_queued_and_an_entry_after_the_stop_is_written_directly()
    {
        await using var store = new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = _folder.File("evertoken.db") }, StoreTestData.NewProtector());
        var writer = new AuditWriter(store, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Ct);
        for (var i = 0; i < 50; i++)
        {
            await writer.AppendAsync(Entry($"read.{i}"), Ct);
        }

        await writer.StopAsync(Ct);
        (await store.ListAuditAsync(1000, cancellationToken: Ct)).Count.ShouldBe(50);

        await writer.AppendAsync(Entry("late"), Ct);
        await writer.FlushAsync(Ct);
        (await store.ListAuditAsync(1, cancellationToken: Ct)).ShouldHaveSingleItem().Action.ShouldBe("late");
    }

    [Fact]
    public async Task A_failing_store_loses_that_batch_only_and_the_writer_carries_on()
    {
        var inner = new InMemoryTokenStore();
        var store = new BatchCountingStore(inner) { FailNext = 2 };
        var writer = new AuditWriter(store, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Ct);

        await writer.AppendAsync(Entry("lost"), Ct);
        await writer.FlushAsync(Ct);
        await writer.AppendAsync(Entry("kept"), Ct);
        await writer.FlushAsync(Ct);

        (await inner.ListAuditAsync(cancellationToken: Ct)).Select(e => e.Action).ShouldBe(["kept"]);
        await writer.StopAsync(Ct);
    }

    public void Dispose() => _folder.Dispose();

    private static AuditEntry Entry(string action) => new()
    {
        At = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Action = action,
        Actor = "key:abc",
        TokenName = "main",
        Detail = "version 1",
    };
}
