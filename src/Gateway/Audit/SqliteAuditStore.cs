using HealthGateway.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// <c>audit_log</c> in the gateway's SQLite file. Triggers RAISE on UPDATE and DELETE, so not even a
/// bug (or a hand-written statement) in this process can change history; times are unix milliseconds.
/// </summary>
public sealed class SqliteAuditStore : IAuditStore
{
    /// <summary>
    /// How long an append waits for the database's write lock. Short, because requests wait for it: when another
    /// writer holds the file (a stuck backup, a journal outage) audited requests fail with 503 in seconds rather
    /// than hanging behind the 30 s default.
    /// </summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    private readonly string _connectionString;

    public SqliteAuditStore(SqliteDatabase database)
    {
        _connectionString = new SqliteConnectionStringBuilder(database.ConnectionString) { DefaultTimeout = (int)LockTimeout.TotalSeconds }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS audit_log (
                id             INTEGER PRIMARY KEY AUTOINCREMENT,
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
            """;
        command.ExecuteNonQuery();
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        await using var connection = Open();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO audit_log (occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target)
            VALUES ($at, $role, $subject, $patient, $resource, $action, $status, $correlation, $target)
            """;
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var role = insert.Parameters.Add("$role", SqliteType.Text);
        var subject = insert.Parameters.Add("$subject", SqliteType.Text);
        var patient = insert.Parameters.Add("$patient", SqliteType.Text);
        var resource = insert.Parameters.Add("$resource", SqliteType.Text);
        var action = insert.Parameters.Add("$action", SqliteType.Text);
        var status = insert.Parameters.Add("$status", SqliteType.Integer);
        var correlation = insert.Parameters.Add("$correlation", SqliteType.Text);
        var target = insert.Parameters.Add("$target", SqliteType.Text);
        foreach (var r in records)
        {
            at.Value = r.OccurredAt.ToUnixTimeMilliseconds();
            role.Value = r.Role;
            subject.Value = r.Subject;
            patient.Value = (object?)r.PatientId ?? DBNull.Value;
            resource.Value = r.Resource;
            action.Value = r.Action;
            status.Value = r.Status;
            correlation.Value = r.CorrelationId;
            target.Value = r.Target;
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        await using var connection = Open();
        await using var select = connection.CreateCommand();
        // Only the filters given become SQL conditions, so each can use its index.
        var where = new List<string> { "id > $after" };
        select.Parameters.AddWithValue("$after", query.After);
        if (query.PatientId is not null) { where.Add("patient_id = $patient"); select.Parameters.AddWithValue("$patient", query.PatientId); }
        if (query.Subject is not null) { where.Add("subject = $subject"); select.Parameters.AddWithValue("$subject", query.Subject); }
        if (query.From is { } from) { where.Add("occurred_at >= $from"); select.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds()); }
        if (query.To is { } to) { where.Add("occurred_at < $to"); select.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds()); }
        select.Parameters.AddWithValue("$limit", query.Limit);
        select.CommandText = $"""
            SELECT id, occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target
            FROM audit_log WHERE {string.Join(" AND ", where)} ORDER BY id LIMIT $limit
            """;

        var entries = new List<AuditEntry>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetString(6),
                reader.GetInt32(7),
                reader.GetString(8),
                reader.GetString(9)));
        }
        return entries;
    }
}
