using System.Text.Json;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Storage;

/// <summary>
/// The unit's records: reads for the gateway's requests and the front desk's own changes.
/// Every change commits together with its outbox event. Unknown or departed patients read as null.
/// </summary>
public sealed class UnitStore(UnitDatabase database, OutboxSignal outboxSignal, TimeProvider timeProvider)
{
    public UnitDatabase Database => database;

    /// <summary>
    /// Registers a patient here (a new patient, or one transferring in) and tells the gateway through the outbox.
    /// Returns false when the patient was already registered and present, which changes nothing.
    /// </summary>
    public Task<bool> RegisterPatientAsync(string patientId, string displayName, DateOnly? birthDate = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(patientId);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (patientId.Length > ProtocolConstants.MaxIdLength)
            throw new ArgumentException($"patient id longer than {ProtocolConstants.MaxIdLength} characters", nameof(patientId));
        cancellationToken.ThrowIfCancellationRequested();

        var now = timeProvider.GetUtcNow();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        // A returning patient is re-activated; a present one is left alone (the WHERE makes the update a no-op).
        upsert.CommandText = """
            INSERT INTO patients(id, display_name, birth_date, registered_at) VALUES ($id, $name, $birth, $now)
            ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name,
                birth_date = COALESCE(excluded.birth_date, patients.birth_date),
                registered_at = excluded.registered_at, departed_at = NULL
            WHERE patients.departed_at IS NOT NULL;
            """;
        upsert.Parameters.AddWithValue("$id", patientId);
        upsert.Parameters.AddWithValue("$name", displayName);
        upsert.Parameters.AddWithValue("$birth", birthDate is { } b ? StoredValues.ToText(b) : DBNull.Value);
        upsert.Parameters.AddWithValue("$now", StoredValues.ToUnixMs(now));
        if (upsert.ExecuteNonQuery() == 0) return Task.FromResult(false);

        var payload = JsonSerializer.Serialize(new PatientRegistered(displayName), ProtocolJsonContext.Default.PatientRegistered);
        OutboxWriter.Append(connection, transaction, UnitEventKinds.PatientRegistered, patientId, now, payload);
        transaction.Commit();
        outboxSignal.NotifyAppended();
        return Task.FromResult(true);
    }

    /// <summary>Marks a patient as gone from this unit (discharge). False if unknown or already departed.</summary>
    public Task<bool> DepartPatientAsync(string patientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Leave(patientId, UnitEventKinds.PatientDeparted, null));
    }

    /// <summary>
    /// Hands a patient over to <paramref name="toUnitId"/> (a transfer): the patient is gone from this unit, and the gateway
    /// routes them to the new unit once it registers them. False if the patient is unknown here or already departed.
    /// </summary>
    public Task<bool> ReleasePatientAsync(string patientId, string toUnitId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toUnitId);
        if (toUnitId.Length > ProtocolConstants.MaxIdLength)
            throw new ArgumentException($"unit id longer than {ProtocolConstants.MaxIdLength} characters", nameof(toUnitId));
        cancellationToken.ThrowIfCancellationRequested();
        var payload = JsonSerializer.Serialize(new PatientReleased(toUnitId), ProtocolJsonContext.Default.PatientReleased);
        return Task.FromResult(Leave(patientId, UnitEventKinds.PatientReleased, payload));
    }

    /// <summary>The patient leaves this unit and the gateway hears why (<paramref name="kind"/>), in one transaction.</summary>
    private bool Leave(string patientId, string kind, string? payload)
    {
        var now = timeProvider.GetUtcNow();
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction();
        using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = "UPDATE patients SET departed_at = $now WHERE id = $id AND departed_at IS NULL;";
        update.Parameters.AddWithValue("$id", patientId);
        update.Parameters.AddWithValue("$now", StoredValues.ToUnixMs(now));
        if (update.ExecuteNonQuery() == 0) return false;

        OutboxWriter.Append(connection, transaction, kind, patientId, now, payload);
        transaction.Commit();
        outboxSignal.NotifyAppended();
        return true;
    }

    /// <summary>Name, gender and birth date of a patient present here; null for anyone else (a unit answers for its own patients only).</summary>
    public Task<PatientDemographics?> GetDemographicsAsync(string patientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT display_name, gender, birth_date FROM patients WHERE id = $id AND departed_at IS NULL;";
        command.Parameters.AddWithValue("$id", patientId);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return Task.FromResult<PatientDemographics?>(null);
        return Task.FromResult<PatientDemographics?>(new PatientDemographics(patientId, reader.GetString(0),
            StoredValues.GenderFromText(reader.IsDBNull(1) ? null : reader.GetString(1)),
            reader.IsDBNull(2) ? null : StoredValues.DateFromText(reader.GetString(2))));
    }

    public Task<AppointmentList?> GetAppointmentsAsync(string patientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        if (!IsPresent(connection, null, patientId)) return Task.FromResult<AppointmentList?>(null);

        using var command = connection.CreateCommand();
        command.CommandText = $"{AppointmentRows.SelectColumns} WHERE patient_id = $patient ORDER BY starts_at, id;";
        command.Parameters.AddWithValue("$patient", patientId);
        using var reader = command.ExecuteReader();
        var appointments = new List<Appointment>();
        while (reader.Read()) appointments.Add(AppointmentRows.Read(reader));
        return Task.FromResult<AppointmentList?>(new AppointmentList(patientId, appointments));
    }

    public Task<InvoiceList?> GetInvoicesAsync(string patientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        if (!IsPresent(connection, null, patientId)) return Task.FromResult<InvoiceList?>(null);

        using var command = connection.CreateCommand();
        command.CommandText = $"{InvoiceRows.SelectColumns} WHERE patient_id = $patient ORDER BY issued_on, id;";
        command.Parameters.AddWithValue("$patient", patientId);
        using var reader = command.ExecuteReader();
        var invoices = new List<Invoice>();
        while (reader.Read()) invoices.Add(InvoiceRows.Read(reader));
        return Task.FromResult<InvoiceList?>(new InvoiceList(patientId, invoices));
    }

    public Task<MedicalRecord?> GetMedicalRecordAsync(string patientId, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        // One read transaction: the four lists come from the same snapshot.
        using var transaction = connection.BeginTransaction(deferred: true);
        if (!IsPresent(connection, transaction, patientId)) return Task.FromResult<MedicalRecord?>(null);

        var allergies = ReadList(connection, transaction, patientId,
            "SELECT substance, reaction, severity FROM allergies WHERE patient_id = $patient ORDER BY rowid;",
            r => new Allergy(r.GetString(0), r.GetString(1), r.GetString(2)));
        var conditions = ReadList(connection, transaction, patientId,
            "SELECT code, display, onset FROM conditions WHERE patient_id = $patient ORDER BY onset, rowid;",
            r => new Condition(r.GetString(0), r.GetString(1), StoredValues.DateFromText(r.GetString(2))));
        var medications = ReadList(connection, transaction, patientId,
            "SELECT name, dosage, since FROM medications WHERE patient_id = $patient ORDER BY since, rowid;",
            r => new Medication(r.GetString(0), r.GetString(1), StoredValues.DateFromText(r.GetString(2))));
        var encounters = ReadList(connection, transaction, patientId,
            "SELECT at, kind, clinician, summary FROM encounters WHERE patient_id = $patient ORDER BY at, rowid;",
            r => new Encounter(StoredValues.FromUnixMs(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3)));
        transaction.Commit();
        return Task.FromResult<MedicalRecord?>(new MedicalRecord(patientId, allergies, conditions, medications, encounters));
    }

    /// <summary>Ids of the patients present here, oldest registration first.</summary>
    public Task<IReadOnlyList<string>> ListPatientIdsAsync(int limit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM patients WHERE departed_at IS NULL ORDER BY rowid LIMIT $limit;";
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read()) ids.Add(reader.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    /// <summary>The highest gateway delivery seq applied here; sent in Hello so the gateway resumes after it.</summary>
    public Task<long> GetLastAppliedSeqAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.Open();
        return Task.FromResult(UnitState.ReadLastAppliedSeq(connection, null));
    }

    internal static bool IsPresent(SqliteConnection connection, SqliteTransaction? transaction, string patientId)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT 1 FROM patients WHERE id = $id AND departed_at IS NULL;";
        command.Parameters.AddWithValue("$id", patientId);
        return command.ExecuteScalar() is not null;
    }

    private static List<T> ReadList<T>(SqliteConnection connection, SqliteTransaction transaction, string patientId,
        string sql, Func<SqliteDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$patient", patientId);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read()) items.Add(map(reader));
        return items;
    }
}
