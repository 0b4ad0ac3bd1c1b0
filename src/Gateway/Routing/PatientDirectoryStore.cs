using HealthGateway.Gateway.Storage;
using HealthGateway.Protocol;
using HealthGateway.Gateway.Sessions;

namespace HealthGateway.Gateway.Routing;

/// <summary>
/// patient id -> unit id, in SQL beside the journal. A row changes only when an event is at least
/// as new as the one that wrote it, so a late event from a patient's previous unit cannot undo a
/// transfer.
/// </summary>
public sealed class PatientDirectoryStore
{
    private readonly SqliteDatabase _database;

    public PatientDirectoryStore(SqliteDatabase database)
    {
        _database = database;
        using var connection = _database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS patient_directory (
                patient_id    TEXT    NOT NULL PRIMARY KEY,
                unit_id       TEXT    NOT NULL,
                registered_at INTEGER NOT NULL  -- unix ms of the event that placed the patient here
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_patient_directory_unit ON patient_directory (unit_id);
            """;
        command.ExecuteNonQuery();
    }

    public async Task<string?> FindUnitAsync(string patientId, CancellationToken ct)
    {
        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit_id FROM patient_directory WHERE patient_id = $p";
        command.Parameters.AddWithValue("$p", patientId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Every unit that has at least one patient (ops lists these even when their session sleeps).</summary>
    public async Task<IReadOnlyList<string>> ListUnitIdsAsync(CancellationToken ct)
    {
        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT unit_id FROM patient_directory ORDER BY unit_id";
        var units = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) units.Add(reader.GetString(0));
        return units;
    }

    public async Task<bool> HasUnitAsync(string unitId, CancellationToken ct)
    {
        await using var connection = _database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM patient_directory WHERE unit_id = $u LIMIT 1";
        command.Parameters.AddWithValue("$u", unitId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Applies a unit's registration and departure events in one transaction.</summary>
    /// <returns>The patient ids whose row may have changed (for cache invalidation).</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(string unitId, IReadOnlyList<UnitChange> events, CancellationToken ct)
    {
        var touched = new List<string>();
        await using var connection = _database.Open();
        await using var tx = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync(ct);

        await using var upsert = connection.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = """
            INSERT INTO patient_directory (patient_id, unit_id, registered_at) VALUES ($p, $u, $t)
            ON CONFLICT (patient_id) DO UPDATE SET unit_id = excluded.unit_id, registered_at = excluded.registered_at
            WHERE excluded.registered_at >= patient_directory.registered_at
            """;
        var upsertPatient = upsert.Parameters.Add("$p", Microsoft.Data.Sqlite.SqliteType.Text);
        upsert.Parameters.AddWithValue("$u", unitId);
        var upsertTime = upsert.Parameters.Add("$t", Microsoft.Data.Sqlite.SqliteType.Integer);

        await using var depart = connection.CreateCommand();
        depart.Transaction = tx;
        depart.CommandText = "DELETE FROM patient_directory WHERE patient_id = $p AND unit_id = $u AND registered_at <= $t";
        var departPatient = depart.Parameters.Add("$p", Microsoft.Data.Sqlite.SqliteType.Text);
        depart.Parameters.AddWithValue("$u", unitId);
        var departTime = depart.Parameters.Add("$t", Microsoft.Data.Sqlite.SqliteType.Integer);

        foreach (var e in events)
        {
            var command = e.Kind switch
            {
                UnitEventKinds.PatientRegistered => (upsert, upsertPatient, upsertTime),
                UnitEventKinds.PatientDeparted => (depart, departPatient, departTime),
                _ => default,
            };
            if (command.Item1 is null) continue;
            command.Item2.Value = e.PatientId;
            command.Item3.Value = e.OccurredAt.ToUnixTimeMilliseconds();
            await command.Item1.ExecuteNonQueryAsync(ct);
            touched.Add(e.PatientId);
        }

        await tx.CommitAsync(ct);
        return touched;
    }
}
