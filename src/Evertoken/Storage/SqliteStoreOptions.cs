namespace Evertoken.Storage;

/// <summary>Settings of <see cref="SqliteTokenStore"/>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; created (owner-only, 0600) with its folder when missing.
    /// Default: <see cref="EvertokenPaths.DefaultDatabasePath"/> (<c>&lt;data folder&gt;/evertoken.db</c>).</summary>
    public string DatabasePath { get; set; } = EvertokenPaths.DefaultDatabasePath;

    /// <summary>
    /// <c>PRAGMA synchronous=FULL</c> instead of <c>NORMAL</c>. With WAL, NORMAL never corrupts the database but a power
    /// loss can undo the last transactions; FULL makes every commit durable at the cost of an fsync each. Default: false.
    /// </summary>
    public bool SynchronousFull { get; set; }

    /// <summary>How long a writer waits for another process's write lock before failing (<c>PRAGMA busy_timeout</c>).
    /// Default: 10 seconds.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public override string ToString() => $"SqliteStoreOptions {{ {DatabasePath}, synchronous {(SynchronousFull ? "FULL" : "NORMAL")} }}";
}
