namespace HealthGateway.UnitNode.Storage;

/// <summary>
/// The local store's tables. Instants are UTC unix milliseconds (INTEGER, so ranges compare cheaply);
/// calendar dates are ISO <c>yyyy-MM-dd</c> text; enum values are their wire names.
/// </summary>
internal static class Schema
{
    public const int Version = 1;

    public const string LastAppliedSeqKey = "last_applied_seq";

    /// <summary>Columns added after a store may already exist (CREATE TABLE IF NOT EXISTS does not add them): table, column, type.</summary>
    public static readonly (string Table, string Column, string Type)[] AddedColumns =
    [
        ("patients", "gender", "TEXT NULL"), // patient.demographics
    ];

    public const string CreateStatements = """
        CREATE TABLE IF NOT EXISTS patients (
            id            TEXT PRIMARY KEY,
            display_name  TEXT NOT NULL,
            birth_date    TEXT NULL,
            gender        TEXT NULL,
            registered_at INTEGER NOT NULL,
            departed_at   INTEGER NULL
        );

        CREATE TABLE IF NOT EXISTS appointments (
            id               TEXT PRIMARY KEY,
            patient_id       TEXT NOT NULL REFERENCES patients(id),
            starts_at        INTEGER NOT NULL,
            duration_minutes INTEGER NOT NULL,
            clinician        TEXT NOT NULL,
            reason           TEXT NOT NULL,
            status           TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed')),
            cancel_reason    TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_appointments_patient ON appointments(patient_id, starts_at);
        CREATE INDEX IF NOT EXISTS ix_appointments_clinician ON appointments(clinician, starts_at);

        CREATE TABLE IF NOT EXISTS invoices (
            id                TEXT PRIMARY KEY,
            patient_id        TEXT NOT NULL REFERENCES patients(id),
            issued_on         TEXT NOT NULL,
            amount_cents      INTEGER NOT NULL,
            currency          TEXT NOT NULL,
            description       TEXT NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('open', 'paid', 'void')),
            paid_at           INTEGER NULL,
            payment_reference TEXT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_invoices_patient ON invoices(patient_id, issued_on);

        CREATE TABLE IF NOT EXISTS allergies (
            patient_id TEXT NOT NULL REFERENCES patients(id),
            substance  TEXT NOT NULL,
            reaction   TEXT NOT NULL,
            severity   TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_allergies_patient ON allergies(patient_id);

        CREATE TABLE IF NOT EXISTS conditions (
            patient_id TEXT NOT NULL REFERENCES patients(id),
            code       TEXT NOT NULL,
            display    TEXT NOT NULL,
            onset      TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_conditions_patient ON conditions(patient_id);

        CREATE TABLE IF NOT EXISTS medications (
            patient_id TEXT NOT NULL REFERENCES patients(id),
            name       TEXT NOT NULL,
            dosage     TEXT NOT NULL,
            since      TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_medications_patient ON medications(patient_id);

        CREATE TABLE IF NOT EXISTS encounters (
            patient_id TEXT NOT NULL REFERENCES patients(id),
            at         INTEGER NOT NULL,
            kind       TEXT NOT NULL,
            clinician  TEXT NOT NULL,
            summary    TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_encounters_patient ON encounters(patient_id, at);

        -- Changes made here, for the gateway. AUTOINCREMENT: a seq is never reused, even after deletes.
        CREATE TABLE IF NOT EXISTS outbox (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id    TEXT NOT NULL UNIQUE,
            kind        TEXT NOT NULL,
            patient_id  TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            payload     TEXT NULL,
            acked       INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS ix_outbox_unacked ON outbox(seq) WHERE acked = 0;

        -- One row per gateway message id ever applied, rejected or expired: the exactly-once ledger.
        CREATE TABLE IF NOT EXISTS applied_messages (
            message_id TEXT PRIMARY KEY,
            seq        INTEGER NOT NULL,
            operation  TEXT NOT NULL,
            status     TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'expired')),
            result     TEXT NULL,
            reason     TEXT NULL,
            applied_at INTEGER NOT NULL
        );

        CREATE TABLE IF NOT EXISTS unit_state (
            key   TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        INSERT OR IGNORE INTO unit_state(key, value) VALUES ('last_applied_seq', 0);

        -- Events the gateway acknowledged but refused (e.g. about a patient this unit does not own): kept for the
        -- unit's staff to look into, since the event itself had no effect anywhere.
        CREATE TABLE IF NOT EXISTS refused_events (
            seq        INTEGER PRIMARY KEY,
            event_id   TEXT NOT NULL,
            code       TEXT NOT NULL,
            reason     TEXT NOT NULL,
            refused_at INTEGER NOT NULL
        );

        PRAGMA user_version = 1;
        """;
}
