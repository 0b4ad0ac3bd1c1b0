using System.Net;
using Akka.Actor;
using HealthGateway.Gateway.Hosting;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HealthGateway.Integration.Tests;

/// <summary>/healthz/live is the actor system; /healthz/ready adds cluster membership, the journal and the snapshot store.</summary>
public sealed class HealthCheckTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_node_is_live_but_not_ready_until_it_has_joined_the_cluster()
    {
        var seedPort = FreePort.Next();
        // The only seed is not running yet: the node cannot join.
        await using var joiner = await GatewayNode.StartAsync(_temp.Sub("joiner"), seedPorts: [seedPort], waitReady: false);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await joiner.Http.GetAsync("/healthz/live")).StatusCode));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await joiner.Http.GetAsync("/healthz/ready")).StatusCode);

        await using var seed = await GatewayNode.StartAsync(_temp.Sub("seed"), clusterPort: seedPort, seedPorts: [seedPort]);
        await joiner.WaitReadyAsync();
    }

    [Fact]
    public async Task Readiness_includes_the_journal_and_snapshot_store_checks_and_they_pass_on_a_working_database()
    {
        await using var node = await GatewayNode.StartAsync(_temp.Sub("gw"));
        var health = node.Services.GetRequiredService<HealthCheckService>();

        var ready = await health.CheckHealthAsync(c => c.Tags.Contains(HealthTags.Ready));
        Assert.Equal(HealthStatus.Healthy, ready.Status);
        Assert.Contains("journal", ready.Entries.Keys);
        Assert.Contains("snapshot-store", ready.Entries.Keys);
        Assert.True(ready.Entries.Count >= 3, string.Join(", ", ready.Entries.Keys)); // + cluster membership

        var live = await health.CheckHealthAsync(c => c.Tags.Contains(HealthTags.Live));
        Assert.Equal(HealthStatus.Healthy, live.Status);
        Assert.NotEmpty(live.Entries);
        Assert.DoesNotContain("journal", live.Entries.Keys); // a slow database must not get the process restarted
    }

    [Fact]
    public async Task A_failing_journal_makes_the_node_unready_but_not_dead_and_it_recovers()
    {
        await using var node = await GatewayNode.StartAsync(_temp.Sub("gw-outage"));
        var database = (SqliteDatabase)node.Services.GetRequiredService<IGatewayDatabase>();
        Assert.Contains("journal", Tables(database));
        var sent = 0;

        // Every journal call now fails ("no such table"); after max-failures (5) the journal's circuit breaker opens.
        Execute(database, "ALTER TABLE journal RENAME TO journal_outage");
        await Eventually.AssertAsync(async () =>
        {
            for (var i = 0; i < 3; i++) Write(node, $"unit-outage-{sent++}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await node.Http.GetAsync("/healthz/ready")).StatusCode);
        }, TimeSpan.FromSeconds(90));
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/healthz/live")).StatusCode);

        // The database is back: once the breaker lets a call through (reset-timeout 15 s) and it succeeds, ready again.
        Execute(database, "ALTER TABLE journal_outage RENAME TO journal");
        await Eventually.AssertAsync(async () =>
        {
            Write(node, $"unit-outage-{sent++}");
            Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/healthz/ready")).StatusCode);
        }, TimeSpan.FromSeconds(90));
    }

    /// <summary>A write for a fresh unit: its session recovers (a journal read) and persists (a journal write).</summary>
    private static void Write(GatewayNode node, string unitId) =>
        node.Region.Tell(new UnitSessionCommands.EnqueueWrite(unitId, OperationId.New(unitId), "appointments.book", "pat-1", "{}",
            TimeSpan.FromMinutes(5), "test:health", null, null, TimeSpan.Zero, null), ActorRefs.Nobody);

    private static List<string> Tables(SqliteDatabase database)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static void Execute(SqliteDatabase database, string sql)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
