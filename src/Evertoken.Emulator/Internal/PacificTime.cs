using System.Globalization;

namespace Evertoken.Emulator.Internal;

/// <summary>
/// Formats times the way Meta's "Session has expired" message does: <c>Wednesday, 14-Feb-18 18:00:00 PST</c>, in
/// Pacific time with PST or PDT (reference graph-tokens.md §6, subcode 463).
/// </summary>
internal static class PacificTime
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");

    public static string Format(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, Zone);
        var abbreviation = Zone.IsDaylightSavingTime(local) ? "PDT" : "PST";
        return local.ToString("dddd, dd-MMM-yy HH:mm:ss", CultureInfo.InvariantCulture) + " " + abbreviation;
    }
}
