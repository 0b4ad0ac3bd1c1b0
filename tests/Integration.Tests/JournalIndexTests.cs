using HealthGateway.Gateway.Storage;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// A session's recovery must not scan the whole journal (it did: the default journal table has only its ordering key,
/// so every restart got slower as the journal grew). Checked on the query plans of a recovery's two reads.
/// </summary>
public sealed class JournalIndexTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    // What Akka.Persistence.Sql asks on recovery: the highest sequence number, then the events in a range, in order.
    public static TheoryData<string> RecoveryQueries => new()
    {
        "SELECT MAX(sequence_number) FROM journal WHERE persistence_id = $p AND sequence_number >= $from",
        "SELECT ordering, message FROM journal WHERE persistence_id = $p AND sequence_number >= $from AND sequence_number <= $to AND deleted = 0 ORDER BY sequence_number LIMIT 100",
    };

    [Theory]
    [MemberData(nameof(RecoveryQueries))]
    public async Task A_recovery_reads_the_journal_through_the_index_not_a_table_scan(string query)
    {
        // A unit attaching persists its session's first event: the journal exists and holds rows.
        var (unit, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-1"), "unit-1");
        await unit.DisposeAsync();

        await Eventually.AssertAsync(() =>
        {
            var plan = GatewayDb.QueryPlan(_gateway.DataDirectory, query);
            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN journal", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.Contains($"USING INDEX {JournalIndex.Name}", StringComparison.Ordinal)
                || step.Contains($"USING COVERING INDEX {JournalIndex.Name}", StringComparison.Ordinal));
            return Task.CompletedTask;
        });
    }
}
