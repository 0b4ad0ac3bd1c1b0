using System.Text.Json;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.UnitNode.Storage;
using Microsoft.Data.Sqlite;

namespace HealthGateway.UnitNode.Seeding;

/// <summary>
/// Creates synthetic demo patients with appointments, invoices and medical records. Deterministic: patient
/// <c>i</c> of a unit always gets the same id and content (its own <see cref="Random"/> seeded from
/// "{unitId}:{i}", so seeding 100 then 1,000 equals seeding 1,000 at once); times are laid out relative to
/// the UTC day of seeding so future appointments stay in the future. Idempotent: existing patients are skipped.
/// </summary>
public sealed class DemoSeeder(UnitDatabase database, OutboxSignal outboxSignal, TimeProvider timeProvider)
{
    private const int SlotsPerClinicianDay = 16;
    private const int SlotMinutes = 30;
    private const int FirstSlotMinuteOfDay = 8 * 60;
    private const int FutureAppointments = 2;
    private const int PastAppointments = 2;

    /// <summary>Makes sure patients 0..count-1 of <paramref name="unitId"/> exist. Returns how many were created.</summary>
    public int Seed(string unitId, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(unitId);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return 0;

        var today = new DateTimeOffset(timeProvider.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        using var connection = database.Open();
        // One transaction with prepared statements: 10,000 patients take seconds, not minutes.
        using var transaction = connection.BeginTransaction();
        using var commands = new SeedCommands(connection, transaction);

        var created = 0;
        for (var index = 0; index < count; index++)
        {
            if (SeedPatient(commands, unitId, index, today)) created++;
        }
        transaction.Commit();
        if (created > 0) outboxSignal.NotifyAppended();
        return created;
    }

    private static bool SeedPatient(SeedCommands commands, string unitId, int index, DateTimeOffset today)
    {
        var patientId = DeterministicIds.PatientId(unitId, index);
        var random = new Random(DeterministicIds.Seed($"{unitId}:{index}"));
        var givenName = Pick(random, DemoCatalog.GivenNames);
        var displayName = $"{givenName} {Pick(random, DemoCatalog.FamilyNames)}";
        var birthDate = DateOnly.FromDateTime(today.UtcDateTime).AddDays(-random.Next(365, 95 * 365));
        var registeredAt = today.AddDays(-random.Next(30, 3650)).AddMinutes(random.Next(8 * 60, 18 * 60));

        if (!commands.InsertPatient(patientId, displayName, DemoCatalog.GenderOf(givenName), birthDate, registeredAt)) return false;

        for (var j = 0; j < FutureAppointments; j++)
        {
            var (clinician, startsAt) = Slot(index * FutureAppointments + j, today, future: true);
            commands.InsertAppointment(DeterministicIds.ChildId("a-", patientId, "future", j), patientId, startsAt,
                clinician, Pick(random, DemoCatalog.VisitReasons), AppointmentStatus.Booked);
        }

        for (var j = 0; j < PastAppointments; j++)
        {
            var (clinician, startsAt) = Slot(index * PastAppointments + j, today, future: false);
            commands.InsertAppointment(DeterministicIds.ChildId("a-", patientId, "past", j), patientId, startsAt,
                clinician, Pick(random, DemoCatalog.VisitReasons), AppointmentStatus.Completed);
            commands.InsertEncounter(patientId, startsAt, Pick(random, DemoCatalog.EncounterKinds), clinician,
                Pick(random, DemoCatalog.EncounterSummaries));
            // Each past visit was billed: the older one is paid, the most recent one is still open.
            var paid = j == PastAppointments - 1;
            commands.InsertInvoice(DeterministicIds.ChildId("i-", patientId, "visit", j), patientId,
                DateOnly.FromDateTime(startsAt.UtcDateTime), random.Next(20, 250) * 100 + random.Next(0, 4) * 25,
                Pick(random, DemoCatalog.InvoiceDescriptions), paid ? InvoiceStatus.Paid : InvoiceStatus.Open,
                paid ? startsAt.AddDays(3) : null);
        }

        foreach (var (substance, reaction, severity) in PickDistinct(random, DemoCatalog.Allergies, random.Next(0, 3)))
            commands.InsertAllergy(patientId, substance, reaction, severity);
        foreach (var (code, display) in PickDistinct(random, DemoCatalog.Conditions, random.Next(1, 4)))
            commands.InsertCondition(patientId, code, display, DateOnly.FromDateTime(today.UtcDateTime).AddDays(-random.Next(60, 7300)));
        foreach (var (name, dosage) in PickDistinct(random, DemoCatalog.Medications, random.Next(0, 4)))
            commands.InsertMedication(patientId, name, dosage, DateOnly.FromDateTime(today.UtcDateTime).AddDays(-random.Next(14, 3650)));

        var payload = JsonSerializer.Serialize(new PatientRegistered(displayName), ProtocolJsonContext.Default.PatientRegistered);
        commands.InsertOutbox(UnitEventKinds.PatientRegistered, patientId, registeredAt, payload);
        return true;
    }

    /// <summary>
    /// The n-th appointment slot of the unit: round-robin over clinicians, 16 half-hour slots a day,
    /// so seeded bookings never overlap for one clinician.
    /// </summary>
    private static (string Clinician, DateTimeOffset StartsAt) Slot(int n, DateTimeOffset today, bool future)
    {
        var clinicians = DemoCatalog.Clinicians;
        var clinicianSlot = n / clinicians.Length;
        var dayOffset = 1 + clinicianSlot / SlotsPerClinicianDay;
        var minute = FirstSlotMinuteOfDay + clinicianSlot % SlotsPerClinicianDay * SlotMinutes;
        return (clinicians[n % clinicians.Length], today.AddDays(future ? dayOffset : -dayOffset).AddMinutes(minute));
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static IEnumerable<T> PickDistinct<T>(Random random, T[] items, int count)
    {
        var copy = (T[])items.Clone();
        random.Shuffle(copy);
        return copy.Take(count);
    }

    /// <summary>Prepared INSERT statements reused for every row of one seeding run.</summary>
    private sealed class SeedCommands : IDisposable
    {
        private readonly SqliteCommand _patient;
        private readonly SqliteCommand _appointment;
        private readonly SqliteCommand _invoice;
        private readonly SqliteCommand _allergy;
        private readonly SqliteCommand _condition;
        private readonly SqliteCommand _medication;
        private readonly SqliteCommand _encounter;
        private readonly SqliteCommand _outbox;

        public SeedCommands(SqliteConnection connection, SqliteTransaction transaction)
        {
            _patient = Prepare(connection, transaction,
                "INSERT OR IGNORE INTO patients(id, display_name, gender, birth_date, registered_at) VALUES ($p0, $p1, $p2, $p3, $p4);", 5);
            _appointment = Prepare(connection, transaction, """
                INSERT INTO appointments(id, patient_id, starts_at, duration_minutes, clinician, reason, status)
                VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6);
                """, 7);
            _invoice = Prepare(connection, transaction, """
                INSERT INTO invoices(id, patient_id, issued_on, amount_cents, currency, description, status, paid_at, payment_reference)
                VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8);
                """, 9);
            _allergy = Prepare(connection, transaction,
                "INSERT INTO allergies(patient_id, substance, reaction, severity) VALUES ($p0, $p1, $p2, $p3);", 4);
            _condition = Prepare(connection, transaction,
                "INSERT INTO conditions(patient_id, code, display, onset) VALUES ($p0, $p1, $p2, $p3);", 4);
            _medication = Prepare(connection, transaction,
                "INSERT INTO medications(patient_id, name, dosage, since) VALUES ($p0, $p1, $p2, $p3);", 4);
            _encounter = Prepare(connection, transaction,
                "INSERT INTO encounters(patient_id, at, kind, clinician, summary) VALUES ($p0, $p1, $p2, $p3, $p4);", 5);
            _outbox = Prepare(connection, transaction,
                "INSERT INTO outbox(event_id, kind, patient_id, occurred_at, payload) VALUES ($p0, $p1, $p2, $p3, $p4);", 5);
        }

        public bool InsertPatient(string id, string displayName, AdministrativeGender gender, DateOnly birthDate, DateTimeOffset registeredAt) =>
            Run(_patient, id, displayName, StoredValues.ToText(gender), StoredValues.ToText(birthDate), StoredValues.ToUnixMs(registeredAt)) == 1;

        public void InsertAppointment(string id, string patientId, DateTimeOffset startsAt, string clinician, string reason,
            AppointmentStatus status) =>
            Run(_appointment, id, patientId, StoredValues.ToUnixMs(startsAt), SlotMinutes, clinician, reason, StoredValues.ToText(status));

        public void InsertInvoice(string id, string patientId, DateOnly issuedOn, long amountCents, string description,
            InvoiceStatus status, DateTimeOffset? paidAt) =>
            Run(_invoice, id, patientId, StoredValues.ToText(issuedOn), amountCents, "EUR", description, StoredValues.ToText(status),
                paidAt is { } at ? StoredValues.ToUnixMs(at) : DBNull.Value, paidAt is null ? DBNull.Value : "seed");

        public void InsertAllergy(string patientId, string substance, string reaction, string severity) =>
            Run(_allergy, patientId, substance, reaction, severity);

        public void InsertCondition(string patientId, string code, string display, DateOnly onset) =>
            Run(_condition, patientId, code, display, StoredValues.ToText(onset));

        public void InsertMedication(string patientId, string name, string dosage, DateOnly since) =>
            Run(_medication, patientId, name, dosage, StoredValues.ToText(since));

        public void InsertEncounter(string patientId, DateTimeOffset at, string kind, string clinician, string summary) =>
            Run(_encounter, patientId, StoredValues.ToUnixMs(at), kind, clinician, summary);

        public void InsertOutbox(string kind, string patientId, DateTimeOffset occurredAt, string payload) =>
            Run(_outbox, OutboxWriter.NewEventId(), kind, patientId, StoredValues.ToUnixMs(occurredAt), payload);

        public void Dispose()
        {
            foreach (var command in new[] { _patient, _appointment, _invoice, _allergy, _condition, _medication, _encounter, _outbox })
                command.Dispose();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, int parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            for (var i = 0; i < parameters; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", null));
            command.Prepare();
            return command;
        }

        private static int Run(SqliteCommand command, params object[] values)
        {
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
            return command.ExecuteNonQuery();
        }
    }
}
