using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>Appends an outbox row inside the caller's transaction, so the change and its event commit together.</summary>
internal static class OutboxWriter
{
    public const string InsertSql = """
        INSERT INTO outbox(event_id, kind, patient_id, occurred_at, payload)
        VALUES ($event_id, $kind, $patient_id, $occurred_at, $payload);
        """;

    public static void Append(
        SqliteConnection connection, SqliteTransaction transaction,
        string kind, string patientId, DateTimeOffset occurredAt, string? payloadJson)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql;
        command.Parameters.AddWithValue("$event_id", NewEventId());
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$patient_id", patientId);
        command.Parameters.AddWithValue("$occurred_at", StoredValues.ToUnixMs(occurredAt));
        command.Parameters.AddWithValue("$payload", (object?)payloadJson ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Time-ordered, globally unique: the gateway may use it to drop duplicates across seq resets.</summary>
    public static string NewEventId() => Guid.CreateVersion7().ToString("N");
}
