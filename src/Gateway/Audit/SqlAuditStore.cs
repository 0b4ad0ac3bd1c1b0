using System.Data.Common;
using HealthGateway.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Gateway.Audit;

/// <summary><see cref="AuditLogTable"/> in the gateway's database (SQLite or PostgreSQL), in plain portable SQL.</summary>
public sealed class SqlAuditStore : IAuditStore
{
    /// <summary>
    /// How long an append waits for SQLite's write lock. Short, because requests wait for it: when another
    /// writer holds the file (a stuck backup, a journal outage) audited requests fail with 503 in seconds rather
    /// than hanging behind the 30 s default.
    /// </summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(5);

    private readonly IGatewayDatabase _database;
    private readonly string? _sqliteConnectionString;

    public SqlAuditStore(IGatewayDatabase database)
    {
        _database = database;
        if (database.Provider == StorageProvider.Sqlite)
            _sqliteConnectionString = new SqliteConnectionStringBuilder(database.ConnectionString) { DefaultTimeout = (int)LockTimeout.TotalSeconds }.ToString();
        // On a shared server `schema apply` created the table; nodes never race DDL there.
        if (database.CreatesSchemaOnStart) database.Create(new AuditLogTable());
    }

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO audit_log (occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target)
            VALUES (@at, @role, @subject, @patient, @resource, @action, @status, @correlation, @target)
            """;
        var at = insert.AddParameter("@at", 0L);
        var role = insert.AddParameter("@role", "");
        var subject = insert.AddParameter("@subject", "");
        var patient = insert.AddParameter("@patient", "");
        var resource = insert.AddParameter("@resource", "");
        var action = insert.AddParameter("@action", "");
        var status = insert.AddParameter("@status", 0);
        var correlation = insert.AddParameter("@correlation", "");
        var target = insert.AddParameter("@target", "");
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

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        if (_sqliteConnectionString is null) return await _database.OpenConnectionAsync(ct);
        // Microsoft.Data.Sqlite retries a busy file for the connection's DefaultTimeout (30 s, set for the journal);
        // the audit trail gets its own, shorter one.
        var connection = new SqliteConnection(_sqliteConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var select = connection.CreateCommand();
        // Only the filters given become SQL conditions, so each can use its index.
        var where = new List<string> { "id > @after" };
        select.AddParameter("@after", query.After);
        if (query.PatientId is not null) { where.Add("patient_id = @patient"); select.AddParameter("@patient", query.PatientId); }
        if (query.Subject is not null) { where.Add("subject = @subject"); select.AddParameter("@subject", query.Subject); }
        if (query.From is { } from) { where.Add("occurred_at >= @from"); select.AddParameter("@from", from.ToUnixTimeMilliseconds()); }
        if (query.To is { } to) { where.Add("occurred_at < @to"); select.AddParameter("@to", to.ToUnixTimeMilliseconds()); }
        select.AddParameter("@limit", query.Limit);
        select.CommandText = $"""
            SELECT id, occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target
            FROM audit_log WHERE {string.Join(" AND ", where)} ORDER BY id LIMIT @limit
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
