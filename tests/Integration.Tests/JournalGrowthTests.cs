using HealthGateway.Gateway.Units.Session;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Recovery is O(1) per unit: a gateway killed with kill -9 and started again, over and over, with its units
/// re-attaching each time, keeps a bounded journal per unit (it grew by an event or more per unit per restart, and
/// sessions that rarely write never reached a snapshot, so every restart replayed more).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class JournalGrowthTests : IDisposable
{
    private const int Restarts = 6; // without the fix: 6 rows per unit, above the bound of 5
    private static readonly string[] Units = ["unit-1", "unit-2", "unit-3"];
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Journal_rows_per_unit_stay_bounded_across_restarts()
    {
        // Snapshots at once: in production they are spread over a minute after the storm (Gateway:SessionSnapshotDelay).
        await using var gateway = new GatewayProcess(_temp.Sub("gw"), new Dictionary<string, string> { ["Gateway:SessionSnapshotDelay"] = "00:00:00" });
        for (var round = 0; round < Restarts; round++)
        {
            await gateway.StartAsync();
            foreach (var unitId in Units)
            {
                var (unit, welcome) = await RawUnitClient.AttachAsync(gateway.WebSocketBase, gateway.Tokens.Mint(Gateway.Auth.Roles.Unit, unitId, TimeSpan.FromMinutes(10)), unitId);
                Assert.Equal(round + 1, welcome.SessionEpoch); // one epoch per restart: the session's history really grows
                await unit.DisposeAsync();
            }
            // The snapshot and the deletes after it are asynchronous: let them land before the next kill.
            if (round == Restarts - 1) break;
            await Eventually.AssertAsync(() => { AssertBounded(); return Task.CompletedTask; }, TimeSpan.FromMinutes(2));
            await gateway.KillAsync();
        }

        await Eventually.AssertAsync(() => { AssertBounded(); return Task.CompletedTask; }, TimeSpan.FromMinutes(2));
    }

    /// <summary>A recovery reads at most one snapshot and a few events whatever the number of restarts.</summary>
    private void AssertBounded()
    {
        foreach (var unitId in Units)
        {
            var persistenceId = $"unit-session-{unitId}";
            // Events since the last snapshot, plus the one row the SQL journal keeps (marked deleted) to remember the highest seq.
            Assert.InRange(Rows("journal", persistenceId), 1, UnitSessionActor.SnapshotOnAttachAfter + 2);
            Assert.InRange(Rows("snapshot", persistenceId), 0, 2);
            // And the deletes after the newest snapshot have landed (a kill before them leaves those rows until the next snapshot).
            Assert.Equal(0, Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id = $p AND sequence_number < "
                + "(SELECT COALESCE(MAX(sequence_number), 0) FROM snapshot WHERE persistence_id = $p)", persistenceId));
        }
    }

    private long Rows(string table, string persistenceId) => Scalar($"SELECT COUNT(*) FROM {table} WHERE persistence_id = $p", persistenceId);

    private long Scalar(string sql, string persistenceId)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_temp.Sub("gw"), "gateway.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", persistenceId);
        return (long)command.ExecuteScalar()!;
    }

    public void Dispose() => _temp.Dispose();
}
