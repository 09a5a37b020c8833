namespace Evertoken.Storage.Internal;

/// <summary>
/// Times as the stores keep them: UTC, to the millisecond, as Unix milliseconds in the database. Every store
/// normalises the same way so they behave alike (a value read back equals the value written).
/// </summary>
internal static class StoreTime
{
    public static DateTimeOffset Normalize(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    public static DateTimeOffset? Normalize(DateTimeOffset? time) => time is { } t ? Normalize(t) : null;

    public static long ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    public static long? ToDb(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromDb(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromDb(long? value) => value is { } v ? FromDb(v) : null;
}
