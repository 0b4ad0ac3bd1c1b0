using HealthGateway.Gateway.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace HealthGateway.Gateway.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly TempDatabase _db = new();

    public void Dispose() => _db.Dispose();

    private static AuditRecord Record(int i) =>
        new(DateTimeOffset.UtcNow, "patient", $"p-{i}", $"p-{i}", "records", "read", 200, $"corr-{i}", "GET /x");

    [Fact]
    public async Task Concurrent_appends_are_all_durable_when_they_return_and_share_transactions()
    {
        var store = new CountingStore(new SqlAuditStore(_db.Database));
        var log = new AuditLog(store, NullLogger<AuditLog>.Instance);
        await log.StartAsync(default);

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => Task.Run(() => log.AppendAsync(Record(i), default))));

        // Every append returned, so every record is in the database (not just queued).
        var rows = await store.QueryAsync(new AuditQuery(null, null, null, null, AuditQuery.MaxLimit, 0), default);
        Assert.Equal(500, rows.Select(r => r.CorrelationId).Distinct().Count());
        Assert.True(store.Batches < 500, $"expected group commit, got {store.Batches} transactions for 500 records");
        await log.StopAsync(default);
    }

    [Fact]
    public async Task A_failing_store_fails_every_waiting_append()
    {
        var log = new AuditLog(new FailingStore(), NullLogger<AuditLog>.Instance);
        await log.StartAsync(default);
        var appends = Enumerable.Range(0, 20).Select(i => log.AppendAsync(Record(i), default)).ToList();
        foreach (var append in appends) await Assert.ThrowsAsync<AuditUnavailableException>(() => append);
        await log.StopAsync(default);
    }

    [Fact]
    public async Task After_stop_appends_fail_instead_of_hanging()
    {
        var log = new AuditLog(new SqlAuditStore(_db.Database), NullLogger<AuditLog>.Instance);
        await log.StartAsync(default);
        await log.StopAsync(default);
        await Assert.ThrowsAsync<AuditUnavailableException>(() => log.AppendAsync(Record(1), default));
    }

    private sealed class CountingStore(IAuditStore inner) : IAuditStore
    {
        public int Batches;

        public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
        {
            Interlocked.Increment(ref Batches);
            return inner.AppendAsync(records, ct);
        }

        public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct) => inner.QueryAsync(query, ct);
    }

    private sealed class FailingStore : IAuditStore
    {
        public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct) => throw new IOException("disk gone");
        public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct) => throw new IOException("disk gone");
    }
}
