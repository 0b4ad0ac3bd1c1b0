using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary><c>hgw cluster down</c> removes a member (its own cluster: the member does not come back).</summary>
public sealed class OpsClusterDownTests : IAsyncLifetime
{
    private readonly TwoGatewayCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();
    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Cluster_down_removes_the_second_node_and_cluster_tail_shows_it()
    {
        var a = _cluster.NodeA;
        var b = _cluster.NodeB;
        var token = a.AdminToken();
        var events = new Hgw.CapturedOutput();
        using var stop = new CancellationTokenSource();
        var tail = Hgw.RunAsync(a.BaseUrl.ToString(), token, events, stop.Token, "cluster", "tail");
        await Eventually.AssertAsync(() =>
        {
            Assert.Contains("Streaming member-* events", events.ToString());
            return Task.CompletedTask;
        });

        var down = await Hgw.RunAsync(a, token, "cluster", "down", b.ClusterAddress);
        Assert.Equal(0, down.ExitCode);
        Assert.Contains($"Marked {b.ClusterAddress} as down.", down.Output);

        await Eventually.AssertAsync(async () =>
        {
            var show = await Hgw.RunAsync(a, token, "cluster", "show", "--json");
            Assert.Equal(0, show.ExitCode);
            var members = JsonDocument.Parse(show.Output).RootElement.GetProperty("members").EnumerateArray()
                .Select(m => m.GetProperty("address").GetString()).ToList();
            Assert.Equal([a.ClusterAddress], members);
        }, TimeSpan.FromSeconds(60));
        await Eventually.AssertAsync(() =>
        {
            Assert.Matches($@"member-removed\s+{System.Text.RegularExpressions.Regex.Escape(b.ClusterAddress)}", events.ToString());
            return Task.CompletedTask;
        });
        stop.Cancel();
        Assert.Equal(0, await tail.WaitAsync(TimeSpan.FromSeconds(10)));

        var unknown = await Hgw.RunAsync(a, token, "cluster", "down", "akka.tcp://gateway@127.0.0.1:1");
        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("Member not found", unknown.Output);
    }
}
