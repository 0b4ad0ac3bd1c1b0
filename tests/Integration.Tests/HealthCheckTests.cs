using System.Net;
using HealthGateway.Gateway.Hosting;
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
}
