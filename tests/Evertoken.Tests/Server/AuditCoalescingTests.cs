using Evertoken.Server.Hosting;
using Evertoken.Storage;
using Evertoken.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Evertoken.Tests.Server;

/// <summary>Identical audit entries of one batch become one row that counts them; anything that differs stays apart.</summary>
public sealed class AuditCoalescingTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 1, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _folder = new();

    [Fact]
    public void Twins_fold_into_the_first_with_their_count_and_the_last_time_and_the_rest_keep_their_order()
    {
        var batch = new[]
        {
            Read("key:a", "version 1 fp1", 0),
            Read("key:b", "version 1 fp1", 1),
            Read("key:a", "version 1 fp1", 2),
            Read("key:a", "version 2 fp2", 3),
            Read("key:a", "version 1 fp1", 4),
            Read("key:b", "version 1 fp1", 5) with { TokenName = "other" },
        };

        var folded = AuditCoalescing.Coalesce(batch);

        folded.Count.ShouldBe(4);
        folded[0].ShouldBe(batch[0] with { Detail = "version 1 fp1; 3 times, the last at 2026-12-05T12:00:01.0040000+00:00" });
        folded[1].ShouldBeSameAs(batch[1]);
        folded[2].ShouldBeSameAs(batch[3]);
        folded[3].ShouldBeSameAs(batch[5]);
    }

    [Fact]
    public void A_batch_without_twins_is_written_as_it_came()
    {
        var batch = new[] { Read("key:a", "version 1 fp1", 0), Read("key:a", "version 2 fp2", 1), Read("key:b", "version 1 fp1", 2) };
        AuditCoalescing.Coalesce(batch).ShouldBeSameAs(batch);
        AuditCoalescing.Coalesce([batch[0]]).ShouldBe([batch[0]]);
    }

    [Fact]
    public void An_entry_without_detail_says_only_the_count()
    {
        var entry = Read("admin", null, 0);
        AuditCoalescing.Coalesce([entry, entry with { At = Start.AddSeconds(1) }]).ShouldHaveSingleItem().Detail
            .ShouldBe("2 times, the last at 2026-12-05T12:00:02.0000000+00:00");
    }

    [Fact]
    public async Task Many_callers_reading_in_a_loop_are_all_counted_in_far_fewer_rows()
    {
        await using var store = new SqliteTokenStore(new SqliteStoreOptions { DatabasePath = _folder.File("evertoken.db") }, StoreTestData.NewProtector());
        var writer = new AuditWriter(store, NullLogger<AuditWriter>.Instance);
        await writer.StartAsync(Ct);
        const int Callers = 8, ReadsEach = 500;

        await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var i = 0; i < ReadsEach; i++)
            {
                await writer.AppendAsync(Read($"key:{caller % 2}", "version 1 fp1", i), Ct);
            }
        }, Ct)));
        await writer.FlushAsync(Ct);
        await writer.StopAsync(Ct);

        var rows = await store.ListAuditAsync(10_000, cancellationToken: Ct);
        rows.Sum(Count).ShouldBe(Callers * ReadsEach);
        rows.Where(r => r.Actor == "key:0").Sum(Count).ShouldBe(Callers / 2 * ReadsEach);
        rows.Count.ShouldBeLessThan(Callers * ReadsEach / 10);
        rows.ShouldAllBe(r => r.Detail!.StartsWith("version 1 fp1", StringComparison.Ordinal));
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>The reads a row accounts for: 1, or the count its detail gives.</summary>
    private static int Count(AuditEntry row)
    {
        var at = row.Detail!.IndexOf("; ", StringComparison.Ordinal);
        return at < 0 ? 1 : int.Parse(row.Detail[(at + 2)..row.Detail.IndexOf(' ', at + 2)], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static AuditEntry Read(string actor, string? detail, int milliseconds) => new()
    {
        At = Start.AddMilliseconds(milliseconds),
        Action = "token.read",
        Actor = actor,
        TokenName = "main",
        Detail = detail,
    };
}
