using HealthGateway.Gateway.Audit;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests;

/// <summary>Reads a gateway's SQLite file directly (read-only): the audit rows and what every other table holds.</summary>
public static class GatewayDb
{
    private static SqliteConnection Open(string dataDirectory)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "gateway.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static long LastAuditId(string dataDirectory)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(id), 0) FROM audit_log";
        return (long)command.ExecuteScalar()!;
    }

    public static IReadOnlyList<AuditEntry> AuditRowsAfter(string dataDirectory, long after)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target
            FROM audit_log WHERE id > $after ORDER BY id
            """;
        command.Parameters.AddWithValue("$after", after);
        using var reader = command.ExecuteReader();
        var rows = new List<AuditEntry>();
        while (reader.Read())
            rows.Add(new AuditEntry(reader.GetInt64(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt32(7), reader.GetString(8), reader.GetString(9)));
        return rows;
    }

    /// <summary>Rows in every table but the audit log: journal, snapshots, directory, ...</summary>
    public static Dictionary<string, long> RowCountsExceptAudit(string dataDirectory)
    {
        using var connection = Open(dataDirectory);
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_log', 'sqlite_sequence')";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = (long)count.ExecuteScalar()!;
        }
        Assert.Contains("patient_directory", counts.Keys);
        return counts;
    }

    /// <summary>SQLite's plan for <paramref name="sql"/> (one line per step, e.g. "SEARCH journal USING INDEX ...").</summary>
    public static IReadOnlyList<string> QueryPlan(string dataDirectory, string sql)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        command.Parameters.AddWithValue("$p", "unit-session-unit-1");
        command.Parameters.AddWithValue("$from", 1L);
        command.Parameters.AddWithValue("$to", long.MaxValue);
        using var reader = command.ExecuteReader();
        var steps = new List<string>();
        while (reader.Read()) steps.Add(reader.GetString(3));
        return steps;
    }
}
