using HealthGateway.Gateway.Audit;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Gateway.Tests.Audit;

public sealed class SqlAuditStoreTests : IDisposable
{
    private readonly TempDatabase _db = new();
    private readonly SqlAuditStore _store;
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public SqlAuditStoreTests() => _store = new SqlAuditStore(_db.Database);

    public void Dispose()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _db.Dispose();
    }

    private static AuditRecord Record(int i, string patient = "p-1", string subject = "p-1", int status = 200) =>
        new(T0.AddMinutes(i), "patient", subject, patient, "appointments", "read", status, $"corr-{i}", "GET /x");

    private static AuditQuery Query(string? patient = null, string? subject = null, DateTimeOffset? from = null, DateTimeOffset? to = null, int limit = 100, long after = 0) =>
        new(patient, subject, from, to, limit, after);

    [Fact]
    public async Task Records_round_trip()
    {
        await _store.AppendAsync([Record(1) with { PatientId = null, Status = 401, Role = "anonymous", Subject = "" }], default);
        var entry = Assert.Single(await _store.QueryAsync(Query(), default));
        Assert.Equal((T0.AddMinutes(1), "anonymous", "", (string?)null, 401, "corr-1"), (entry.OccurredAt, entry.Role, entry.Subject, entry.PatientId, entry.Status, entry.CorrelationId));
    }

    [Fact]
    public async Task A_batch_larger_than_one_statement_is_stored_whole_and_in_order()
    {
        var count = SqlAuditStore.RowsPerStatement * 2 + 3;
        await _store.AppendAsync(Enumerable.Range(0, count).Select(i => Record(i)).ToList(), default);
        var stored = await _store.QueryAsync(Query(limit: 1000), default);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"corr-{i}"), stored.Select(e => e.CorrelationId));
    }

    [Fact]
    public async Task A_batch_that_fails_in_its_last_statement_stores_nothing_and_the_next_batch_is_stored()
    {
        var batch = Enumerable.Range(0, SqlAuditStore.RowsPerStatement + 1).Select(i => Record(i)).ToList();
        batch[^1] = batch[^1] with { Role = null! }; // NOT NULL: the second INSERT of the transaction fails
        await Assert.ThrowsAsync<SqliteException>(() => _store.AppendAsync(batch, default));
        Assert.Empty(await _store.QueryAsync(Query(), default));

        await _store.AppendAsync([Record(7)], default);
        Assert.Equal("corr-7", Assert.Single(await _store.QueryAsync(Query(), default)).CorrelationId);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET status = 200")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("DELETE FROM audit_log WHERE id = 1")]
    public async Task Rows_cannot_be_updated_or_deleted(string sql)
    {
        await _store.AppendAsync([Record(1, status: 404)], default);
        await using var connection = _db.Database.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.Message);
        Assert.Equal(404, Assert.Single(await _store.QueryAsync(Query(), default)).Status);
    }

    [Fact]
    public async Task Queries_filter_by_patient_subject_and_time()
    {
        await _store.AppendAsync(
        [
            Record(0, "p-1", "p-1"), Record(1, "p-2", "acme"), Record(2, "p-1", "acme"), Record(3, "p-2", "p-2"), Record(4, "p-1", "p-1"),
        ], default);

        Assert.Equal(["corr-0", "corr-2", "corr-4"], (await _store.QueryAsync(Query(patient: "p-1"), default)).Select(e => e.CorrelationId));
        Assert.Equal(["corr-1", "corr-2"], (await _store.QueryAsync(Query(subject: "acme"), default)).Select(e => e.CorrelationId));
        Assert.Equal(["corr-1", "corr-2"], (await _store.QueryAsync(Query(from: T0.AddMinutes(1), to: T0.AddMinutes(3)), default)).Select(e => e.CorrelationId));
        Assert.Equal(["corr-2"], (await _store.QueryAsync(Query(patient: "p-1", subject: "acme", from: T0.AddMinutes(1)), default)).Select(e => e.CorrelationId));
        Assert.Empty(await _store.QueryAsync(Query(patient: "p-9"), default));
    }

    [Fact]
    public async Task Keyset_pages_cover_everything_once_in_order()
    {
        await _store.AppendAsync(Enumerable.Range(0, 25).Select(i => Record(i)).ToList(), default);
        var seen = new List<string>();
        long after = 0;
        while (true)
        {
            var page = await _store.QueryAsync(Query(limit: 10, after: after), default);
            seen.AddRange(page.Select(e => e.CorrelationId));
            if (page.Count < 10) break;
            after = page[^1].Id;
        }
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"corr-{i}"), seen);
    }
}
