using System.Data.Common;
using HealthGateway.Gateway.Storage;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Gateway.Audit;

/// <summary><see cref="AuditLogTable"/> in the gateway's database (SQLite or PostgreSQL), in plain portable SQL.</summary>
public sealed class SqlAuditStore : IAuditStore, IAsyncDisposable
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

    /// <summary>
    /// Rows per INSERT statement: one statement (one round trip on PostgreSQL) per 16 rows instead of one per row.
    /// Not more: SQLite finds each named parameter by a linear search, so a statement's binding cost grows with the square of its parameters.
    /// </summary>
    public const int RowsPerStatement = 16;

    private const int Columns = 9;
    private static readonly string[] ParameterNames = Enumerable.Range(0, RowsPerStatement * Columns).Select(i => $"@p{i}").ToArray();

    // The audit log's single writer keeps one connection open between batches, with one prepared INSERT per row
    // count (parsed once, its parameters reused); a failure drops both and the next batch opens another.
    private readonly SemaphoreSlim _writerLock = new(1, 1);
    private DbConnection? _writer;
    private readonly DbCommand?[] _inserts = new DbCommand?[RowsPerStatement + 1];

    public async Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        await _writerLock.WaitAsync(ct);
        try
        {
            _writer ??= await OpenAsync(ct);
            await using var tx = await _writer.BeginTransactionAsync(ct);
            for (var first = 0; first < records.Count; first += RowsPerStatement)
            {
                var rows = Math.Min(RowsPerStatement, records.Count - first);
                var insert = _inserts[rows] ??= Prepare(_writer, rows);
                insert.Transaction = tx;
                var parameters = insert.Parameters;
                for (var i = 0; i < rows; i++)
                {
                    var r = records[first + i];
                    var p = i * Columns;
                    Bind(parameters, p, r.OccurredAt.ToUnixTimeMilliseconds());
                    Bind(parameters, p + 1, r.Role);
                    Bind(parameters, p + 2, r.Subject);
                    Bind(parameters, p + 3, r.PatientId);
                    Bind(parameters, p + 4, r.Resource);
                    Bind(parameters, p + 5, r.Action);
                    Bind(parameters, p + 6, r.Status);
                    Bind(parameters, p + 7, r.CorrelationId);
                    Bind(parameters, p + 8, r.Target);
                }
                await insert.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch
        {
            await DropWriterAsync();
            throw;
        }
        finally
        {
            _writerLock.Release();
        }
    }

    private static void Bind(DbParameterCollection parameters, int index, object? value) => parameters[index].Value = value ?? DBNull.Value;

    private static DbCommand Prepare(DbConnection connection, int rows)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = BuildInsert(rows);
        for (var p = 0; p < rows * Columns; p++) insert.AddParameter(ParameterNames[p], DBNull.Value);
        return insert;
    }

    public async ValueTask DisposeAsync()
    {
        await _writerLock.WaitAsync();
        try
        {
            await DropWriterAsync();
        }
        finally
        {
            _writerLock.Release();
        }
    }

    private async Task DropWriterAsync()
    {
        for (var i = 0; i < _inserts.Length; i++)
        {
            if (_inserts[i] is { } insert) await insert.DisposeAsync();
            _inserts[i] = null;
        }
        if (_writer is null) return;
        await _writer.DisposeAsync();
        _writer = null;
    }

    private static string BuildInsert(int rows)
    {
        var values = Enumerable.Range(0, rows).Select(i =>
            "(" + string.Join(", ", Enumerable.Range(i * Columns, Columns).Select(p => ParameterNames[p])) + ")");
        return "INSERT INTO audit_log (occurred_at, role, subject, patient_id, resource, action, status, correlation_id, target) VALUES "
               + string.Join(", ", values);
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
