using System.Data.Common;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Routing;

/// <summary>
/// patient id -> owning unit id, in SQL beside the journal. A unit is a tenant: only the owning unit's events about a
/// patient have any effect. Ownership is taken by the first registration, moves only by the owner releasing the patient
/// to a named unit that then registers them (or by an admin transfer), and ends with the owner's departure. A unit's
/// clock never decides anything: times stored here are the gateway's.
/// </summary>
public sealed class PatientDirectoryStore
{
    private readonly IGatewayDatabase _database;
    private readonly TimeProvider _clock;

    public PatientDirectoryStore(IGatewayDatabase database, TimeProvider? clock = null)
    {
        _database = database;
        _clock = clock ?? TimeProvider.System;
        // On a shared server `schema apply` created the tables; nodes never race DDL there.
        if (database.CreatesSchemaOnStart)
        {
            database.Create(new PatientDirectoryTable());
            database.Create(new PatientReleasesTable());
            database.Create(new PatientClaimsTable());
        }
    }

    public async Task<string?> FindUnitAsync(string patientId, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit_id FROM patient_directory WHERE patient_id = @p";
        command.AddParameter("@p", patientId);
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>Every unit that has at least one patient (ops lists these even when their session sleeps).</summary>
    public async Task<IReadOnlyList<string>> ListUnitIdsAsync(CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT unit_id FROM patient_directory ORDER BY unit_id";
        var units = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) units.Add(reader.GetString(0));
        return units;
    }

    public async Task<bool> HasUnitAsync(string unitId, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM patient_directory WHERE unit_id = @u LIMIT 1";
        command.AddParameter("@u", unitId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>
    /// Judges and applies a unit's changes in one transaction, in order (a batch may register a patient and then
    /// report on them). Every change gets a verdict; refused ones change nothing.
    /// </summary>
    public async Task<IReadOnlyList<UnitChangeVerdict>> ApplyAsync(string unitId, IReadOnlyList<UnitChange> events, CancellationToken ct)
    {
        var verdicts = new List<UnitChangeVerdict>(events.Count);
        await using var connection = await _database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var statements = new Statements(connection, tx, unitId, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using (statements)
        {
            foreach (var change in events) verdicts.Add(await JudgeAsync(statements, unitId, change, ct));
        }
        await tx.CommitAsync(ct);
        return verdicts;
    }

    private static async Task<UnitChangeVerdict> JudgeAsync(Statements sql, string unitId, UnitChange change, CancellationToken ct)
    {
        if (UnitChangePayloads.Check(change) is { } payloadError)
            return UnitChangeVerdict.Refuse(change, EventRefusalCodes.InvalidPayload, payloadError);

        // Most registrations are of new patients (a unit's first sync): one statement, no lookup.
        if (change.Kind == UnitEventKinds.PatientRegistered && await sql.InsertAsync(change.PatientId, ct))
            return UnitChangeVerdict.Accept(change);

        var owner = await sql.OwnerAsync(change.PatientId, ct);
        if (owner == unitId)
        {
            switch (change.Kind)
            {
                case UnitEventKinds.PatientReleased:
                    UnitChangePayloads.ReleasedTo(change, out var toUnitId);
                    if (toUnitId == unitId)
                        return UnitChangeVerdict.Refuse(change, EventRefusalCodes.InvalidPayload, "a unit cannot release a patient to itself");
                    await sql.ReleaseAsync(change.PatientId, toUnitId, ct);
                    // The new unit registered first (its claim was refused then): the release completes the transfer now.
                    if (await sql.HandOverToClaimantAsync(change.PatientId, toUnitId, ct))
                        return UnitChangeVerdict.Accept(change) with { TransferredTo = toUnitId };
                    break;
                case UnitEventKinds.PatientDeparted:
                    await sql.DepartAsync(change.PatientId, ct);
                    break;
            }
            return UnitChangeVerdict.Accept(change);
        }

        // Another unit's patient (or nobody's): only a registration after the owner's release takes it over.
        if (change.Kind == UnitEventKinds.PatientRegistered && owner is not null)
        {
            if (await sql.TakeOverAsync(change.PatientId, owner, ct)) return UnitChangeVerdict.Accept(change, transferredFrom: owner);
            await sql.ClaimAsync(change.PatientId, ct);
            return UnitChangeVerdict.Refuse(change, EventRefusalCodes.NotOwner,
                "the patient is registered at another unit; kept as a claim: it takes effect if that unit releases the patient to this one", owner);
        }
        return UnitChangeVerdict.Refuse(change, EventRefusalCodes.NotOwner,
            owner is null ? "the patient is not registered at this unit" : "the patient is registered at another unit", owner);
    }

    /// <summary>
    /// Moves a patient to <paramref name="toUnitId"/> on an administrator's word (audited by the caller). Any open
    /// release is dropped. Null when the patient is unknown.
    /// </summary>
    public async Task<PatientTransfer?> TransferAsync(string patientId, string toUnitId, CancellationToken ct)
    {
        await using var connection = await _database.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var statements = new Statements(connection, tx, toUnitId, _clock.GetUtcNow().ToUnixTimeMilliseconds());
        PatientTransfer? transfer;
        await using (statements)
        {
            var owner = await statements.OwnerAsync(patientId, ct);
            if (owner is null) return null;
            await statements.AssignAsync(patientId, ct);
            transfer = new PatientTransfer(patientId, owner, toUnitId);
        }
        await tx.CommitAsync(ct);
        return transfer;
    }

    /// <summary>The prepared statements of one transaction, all acting for one unit.</summary>
    private sealed class Statements(DbConnection connection, DbTransaction tx, string unitId, long now) : IAsyncDisposable
    {
        private readonly Dictionary<string, (DbCommand Command, DbParameter Patient, DbParameter? Other)> _commands = [];

        public async Task<bool> InsertAsync(string patientId, CancellationToken ct) =>
            await ExecuteAsync("""
                INSERT INTO patient_directory (patient_id, unit_id, registered_at) VALUES (@p, @u, @t)
                ON CONFLICT (patient_id) DO NOTHING
                """, patientId, null, ct) == 1;

        public async Task<string?> OwnerAsync(string patientId, CancellationToken ct)
        {
            var command = Command("SELECT unit_id FROM patient_directory WHERE patient_id = @p", patientId, null);
            return await command.ExecuteScalarAsync(ct) as string;
        }

        public async Task ReleaseAsync(string patientId, string toUnitId, CancellationToken ct) =>
            await ExecuteAsync("""
                INSERT INTO patient_releases (patient_id, from_unit_id, to_unit_id, released_at) VALUES (@p, @u, @o, @t)
                ON CONFLICT (patient_id) DO UPDATE SET from_unit_id = excluded.from_unit_id,
                    to_unit_id = excluded.to_unit_id, released_at = excluded.released_at
                """, patientId, toUnitId, ct);

        public async Task DepartAsync(string patientId, CancellationToken ct)
        {
            await ExecuteAsync("DELETE FROM patient_directory WHERE patient_id = @p AND unit_id = @u", patientId, null, ct);
            await ForgetMovesAsync(patientId, ct);
        }

        /// <summary>This unit's registration of another unit's patient, remembered in case the owner releases them here.</summary>
        public async Task ClaimAsync(string patientId, CancellationToken ct) =>
            await ExecuteAsync("""
                INSERT INTO patient_claims (patient_id, unit_id, claimed_at) VALUES (@p, @u, @t)
                ON CONFLICT (patient_id, unit_id) DO UPDATE SET claimed_at = excluded.claimed_at
                """, patientId, null, ct);

        /// <summary>This unit (the owner) releases the patient to <paramref name="claimant"/>, which has claimed them: it owns them now.</summary>
        public async Task<bool> HandOverToClaimantAsync(string patientId, string claimant, CancellationToken ct)
        {
            var moved = await ExecuteAsync("""
                UPDATE patient_directory SET unit_id = @o, registered_at = @t
                WHERE patient_id = @p AND unit_id = @u AND EXISTS (
                    SELECT 1 FROM patient_claims c WHERE c.patient_id = @p AND c.unit_id = @o)
                """, patientId, claimant, ct);
            if (moved == 0) return false;
            await ForgetMovesAsync(patientId, ct);
            return true;
        }

        /// <summary>Open releases and claims end with any change of owner (or departure).</summary>
        private async Task ForgetMovesAsync(string patientId, CancellationToken ct)
        {
            await ExecuteAsync("DELETE FROM patient_releases WHERE patient_id = @p", patientId, null, ct);
            await ExecuteAsync("DELETE FROM patient_claims WHERE patient_id = @p", patientId, null, ct);
        }

        /// <summary>Takes the patient over from <paramref name="owner"/> if, and only if, it released them to this unit.</summary>
        public async Task<bool> TakeOverAsync(string patientId, string owner, CancellationToken ct)
        {
            // Conditional on both rows as read, so a concurrent change by the owner (another node) makes this a no-op.
            var moved = await ExecuteAsync("""
                UPDATE patient_directory SET unit_id = @u, registered_at = @t
                WHERE patient_id = @p AND unit_id = @o AND EXISTS (
                    SELECT 1 FROM patient_releases r WHERE r.patient_id = @p AND r.from_unit_id = @o AND r.to_unit_id = @u)
                """, patientId, owner, ct);
            if (moved == 0) return false;
            await ForgetMovesAsync(patientId, ct);
            return true;
        }

        public async Task AssignAsync(string patientId, CancellationToken ct)
        {
            await ExecuteAsync("UPDATE patient_directory SET unit_id = @u, registered_at = @t WHERE patient_id = @p", patientId, null, ct);
            await ForgetMovesAsync(patientId, ct);
        }

        private async Task<int> ExecuteAsync(string sql, string patientId, string? otherUnitId, CancellationToken ct) =>
            await Command(sql, patientId, otherUnitId).ExecuteNonQueryAsync(ct);

        // One prepared command per statement for the whole batch (a unit's first sync registers 500 patients a frame).
        private DbCommand Command(string sql, string patientId, string? otherUnitId)
        {
            if (!_commands.TryGetValue(sql, out var prepared))
            {
                var command = connection.CreateCommand();
                command.Transaction = tx;
                command.CommandText = sql;
                var patient = command.AddParameter("@p");
                if (sql.Contains("@u", StringComparison.Ordinal)) command.AddParameter("@u", unitId);
                if (sql.Contains("@t", StringComparison.Ordinal)) command.AddParameter("@t", now);
                var other = sql.Contains("@o", StringComparison.Ordinal) ? command.AddParameter("@o") : null;
                prepared = (command, patient, other);
                _commands.Add(sql, prepared);
            }
            prepared.Patient.Value = patientId;
            if (prepared.Other is not null) prepared.Other.Value = otherUnitId;
            return prepared.Command;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var prepared in _commands.Values) await prepared.Command.DisposeAsync();
        }
    }
}
