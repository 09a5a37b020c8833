using System.Data.Common;

namespace Evertoken.Storage.Internal;

/// <summary>Small ADO.NET helpers shared by the SQL stores: parameters with null as DBNull, reads by column name.</summary>
internal static class AdoExtensions
{
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    public static string? GetNullableString(this DbDataReader reader, string column)
    {
        var i = reader.GetOrdinal(column);
        return reader.IsDBNull(i) ? null : reader.GetString(i);
    }

    public static long? GetNullableInt64(this DbDataReader reader, string column)
    {
        var i = reader.GetOrdinal(column);
        return reader.IsDBNull(i) ? null : reader.GetInt64(i);
    }

    public static string GetString(this DbDataReader reader, string column) => reader.GetString(reader.GetOrdinal(column));

    public static long GetInt64(this DbDataReader reader, string column) => reader.GetInt64(reader.GetOrdinal(column));
}
