using System.Globalization;
using Evertoken.Storage;

namespace Evertoken.Server.Hosting;

/// <summary>
/// Folds identical audit entries of one batch into one: a client key reading its token thousands of times a second
/// would otherwise add as many rows (about 100 bytes each, half a terabyte a day at 60,000 reads/s) and spend most
/// of a read's storage cost on them. The row keeps the first entry's time; its detail says how many there were and
/// when the last one happened, e.g. <c>version 3 a1b2c3d4; 312 times, the last at 2026-12-05T12:00:01.1280000+00:00</c>. An
/// entry with no twin in its batch is written unchanged.
/// </summary>
internal static class AuditCoalescing
{
    /// <summary>The batch with twins folded, in the order of each group's first entry; the list itself when none are.</summary>
    public static IReadOnlyList<AuditEntry> Coalesce(IReadOnlyList<AuditEntry> batch)
    {
        if (batch.Count < 2)
        {
            return batch;
        }

        var groups = new Dictionary<(string Action, string Actor, string? Token, string? Detail), int>(batch.Count);
        var folded = new List<(AuditEntry First, DateTimeOffset Last, int Count)>(batch.Count);
        foreach (var entry in batch)
        {
            var key = (entry.Action, entry.Actor, entry.TokenName, entry.Detail);
            if (groups.TryGetValue(key, out var index))
            {
                var (first, last, count) = folded[index];
                folded[index] = (first, entry.At > last ? entry.At : last, count + 1);
            }
            else
            {
                groups.Add(key, folded.Count);
                folded.Add((entry, entry.At, 1));
            }
        }

        if (folded.Count == batch.Count)
        {
            return batch;
        }

        return folded.Select(f => f.Count == 1 ? f.First : f.First with { Detail = Describe(f.First.Detail, f.Count, f.Last) }).ToList();
    }

    /// <summary>The detail of a folded row.</summary>
    private static string Describe(string? detail, int count, DateTimeOffset last)
    {
        var summary = string.Create(CultureInfo.InvariantCulture, $"{count} times, the last at {last:O}");
        return string.IsNullOrEmpty(detail) ? summary : $"{detail}; {summary}";
    }
}
