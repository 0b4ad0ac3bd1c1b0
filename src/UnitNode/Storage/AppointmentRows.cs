using HealthGateway.Protocol.Contracts;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>Maps <c>appointments</c> rows to the contract, shared by reads and writes.</summary>
internal static class AppointmentRows
{
    public const string SelectColumns =
        "SELECT id, patient_id, starts_at, duration_minutes, clinician, reason, status FROM appointments";

    public static Appointment Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), StoredValues.FromUnixMs(reader.GetInt64(2)), reader.GetInt32(3),
        reader.GetString(4), reader.GetString(5), StoredValues.AppointmentStatusFromText(reader.GetString(6)));

    public static Appointment? Find(SqliteConnection connection, SqliteTransaction transaction, string appointmentId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"{SelectColumns} WHERE id = $id;";
        command.Parameters.AddWithValue("$id", appointmentId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }
}
