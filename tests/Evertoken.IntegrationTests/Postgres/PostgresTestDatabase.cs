using Npgsql;

namespace Evertoken.IntegrationTests.Postgres;

/// <summary>
/// A fresh, empty schema in the test server named by <c>EVERTOKEN_TEST_POSTGRES</c> (eng/setup-postgres.sh sets it;
/// eng/test.sh always sources that), reached through a connection string whose search path is that schema.
/// Dropped on dispose. When the variable is unset the test is skipped, saying how to get a server.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "EVERTOKEN_TEST_POSTGRES";

    private PostgresTestDatabase(string adminConnectionString, string schema)
    {
        AdminConnectionString = adminConnectionString;
        Schema = schema;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { SearchPath = schema }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The server's connection string as given (default search path).</summary>
    public string AdminConnectionString { get; }

    /// <summary>The schema name.</summary>
    public string Schema { get; }

    /// <summary>A connection string whose search path is the schema.</summary>
    public string ConnectionString { get; }

    /// <summary>A data source on <see cref="ConnectionString"/>, disposed with this.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates the schema, or skips the test when no server is configured.</summary>
    public static async Task<PostgresTestDatabase> CreateAsync(CancellationToken ct = default)
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"{Variable} is not set: run `source eng/setup-postgres.sh` first (eng/test.sh does) to test against PostgreSQL.");
        }

        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }

        return new PostgresTestDatabase(server, schema);
    }

    /// <summary>Runs SQL in the schema and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken ct = default)
    {
        await using var command = DataSource.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
