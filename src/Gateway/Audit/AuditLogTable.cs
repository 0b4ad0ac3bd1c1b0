using HealthGateway.Gateway.Storage;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// The <c>audit_log</c> table. Triggers abort UPDATE and DELETE, so not even a bug (or a hand-written statement)
/// can change history; times are unix milliseconds. On SQLite the id is the plain rowid: with no row ever deleted it
/// only grows, and AUTOINCREMENT would add a write to <c>sqlite_sequence</c> to every commit (files made before keep it).
/// </summary>
public sealed class AuditLogTable : IGatewayTable
{
    public string Name => "audit_log";

    public string CreateStatements(StorageProvider provider) => provider switch
    {
        StorageProvider.Sqlite => """
            CREATE TABLE IF NOT EXISTS audit_log (
                id             INTEGER PRIMARY KEY,
                occurred_at    INTEGER NOT NULL,
                role           TEXT    NOT NULL,
                subject        TEXT    NOT NULL,
                patient_id     TEXT,
                resource       TEXT    NOT NULL,
                action         TEXT    NOT NULL,
                status         INTEGER NOT NULL,
                correlation_id TEXT    NOT NULL,
                target         TEXT    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_audit_log_patient ON audit_log (patient_id, id);
            CREATE INDEX IF NOT EXISTS ix_audit_log_subject ON audit_log (subject, id);
            CREATE INDEX IF NOT EXISTS ix_audit_log_time ON audit_log (occurred_at);
            CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            """,
        StorageProvider.PostgreSql => """
            CREATE TABLE IF NOT EXISTS audit_log (
                id             bigserial PRIMARY KEY,
                occurred_at    bigint  NOT NULL,
                role           text    NOT NULL,
                subject        text    NOT NULL,
                patient_id     text,
                resource       text    NOT NULL,
                action         text    NOT NULL,
                status         integer NOT NULL,
                correlation_id text    NOT NULL,
                target         text    NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_audit_log_patient ON audit_log (patient_id, id);
            CREATE INDEX IF NOT EXISTS ix_audit_log_subject ON audit_log (subject, id);
            CREATE INDEX IF NOT EXISTS ix_audit_log_time ON audit_log (occurred_at);
            CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
            CREATE OR REPLACE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
                FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
            """,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };
}
