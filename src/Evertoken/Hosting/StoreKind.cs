namespace Evertoken.Hosting;

/// <summary>Where managed tokens are kept.</summary>
public enum StoreKind
{
    /// <summary>An encrypted SQLite file in the data folder (one machine). The default.</summary>
    Sqlite,

    /// <summary>A shared PostgreSQL database (several instances).</summary>
    Postgres,

    /// <summary>Memory only: for apps that want the refresh logic and load tokens from configuration at start.</summary>
    InMemory,
}
