using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace Evertoken.Server.Dashboard.Internal;

/// <summary>
/// The dashboard's Data Protection key ring in the shared PostgreSQL database (table <c>dataprotection_keys</c>,
/// migration 6), so a session cookie or an antiforgery token issued by one instance opens on every other. The keys
/// arrive here already sealed with the master key (<see cref="MasterKeyXmlEncryptor"/>). The table is created by the
/// store's migrations, which the server runs at start before Data Protection first loads the ring.
/// </summary>
/// <remarks>Data Protection calls a repository synchronously (and rarely: at start, then about once a day when the
/// ring is refreshed or a key is made), so these are blocking calls on the shared pool.</remarks>
internal sealed class PostgresXmlRepository(NpgsqlDataSource dataSource, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM dataprotection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var command = dataSource.CreateCommand("INSERT INTO dataprotection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @at)");
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.Parameters.AddWithValue("at", time.GetUtcNow().ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }
}
