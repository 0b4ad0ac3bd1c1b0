using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Reads what a unit really applied, straight from its SQLite file (the ground truth of fault tests).</summary>
public static class UnitLedger
{
    public sealed record AppliedMessage(string MessageId, long Seq, string Status, string? Reason);

    public static string DatabasePath(string unitsDirectory, string unitId) => Path.Combine(unitsDirectory, $"{unitId}.db");

    /// <summary>Applied messages in the order the unit applied them.</summary>
    public static IReadOnlyList<AppliedMessage> Applied(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, seq, status, reason FROM applied_messages ORDER BY rowid";
        using var reader = command.ExecuteReader();
        var list = new List<AppliedMessage>();
        while (reader.Read())
            list.Add(new AppliedMessage(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        return list;
    }

    /// <summary>Rows in a table matching a WHERE clause (to count effects, e.g. appointments booked).</summary>
    public static long Count(string databasePath, string table, string where)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
        return (long)command.ExecuteScalar()!;
    }
}
