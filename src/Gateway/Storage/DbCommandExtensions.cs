using System.Data.Common;

namespace HealthGateway.Gateway.Storage;

public static class DbCommandExtensions
{
    /// <summary>Adds <c>@name</c> (portable: SQLite and Npgsql both bind it).</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Creates one gateway table (its statements run as one batch).</summary>
    public static async Task CreateAsync(this IGatewayDatabase database, IGatewayTable table, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = table.CreateStatements(database.Provider);
        await command.ExecuteNonQueryAsync(ct);
    }

    public static void Create(this IGatewayDatabase database, IGatewayTable table)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = table.CreateStatements(database.Provider);
        command.ExecuteNonQuery();
    }
}
