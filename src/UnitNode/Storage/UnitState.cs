using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>The <c>unit_state</c> key/value row holding the highest applied delivery seq.</summary>
internal static class UnitState
{
    public static long ReadLastAppliedSeq(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM unit_state WHERE key = $key;";
        command.Parameters.AddWithValue("$key", Schema.LastAppliedSeqKey);
        return command.ExecuteScalar() is long value ? value : 0;
    }

    /// <summary>Raises the stored seq; never lowers it, so a late redelivery cannot rewind the resume point.</summary>
    public static void RaiseLastAppliedSeq(SqliteConnection connection, SqliteTransaction transaction, long seq)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO unit_state(key, value) VALUES ($key, $seq)
            ON CONFLICT(key) DO UPDATE SET value = MAX(value, excluded.value);
            """;
        command.Parameters.AddWithValue("$key", Schema.LastAppliedSeqKey);
        command.Parameters.AddWithValue("$seq", seq);
        command.ExecuteNonQuery();
    }
}
