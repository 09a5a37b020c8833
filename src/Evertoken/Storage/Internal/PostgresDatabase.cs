using Npgsql;

namespace Evertoken.Storage.Internal;

/// <summary>
/// The one connection pool an Evertoken host keeps to PostgreSQL, shared by the token store, the client key store,
/// the refresh lock and the change listener. A type of its own (not a bare <see cref="NpgsqlDataSource"/> service) so
/// it never collides with a data source the host registers for its own database. Disposed with the container.
/// </summary>
internal sealed class PostgresDatabase(string connectionString) : IAsyncDisposable, IDisposable
{
    public NpgsqlDataSource DataSource { get; } = NpgsqlDataSource.Create(connectionString);

    public void Dispose() => DataSource.Dispose();

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public override string ToString() => $"PostgresDatabase {{ {PostgresSchema.Describe(DataSource.ConnectionString)} }}";
}
