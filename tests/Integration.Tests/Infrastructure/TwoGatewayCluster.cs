using Akka.Cluster;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Two gateway nodes in one cluster (sharing one database), both Up; usable as a class fixture.</summary>
public sealed class TwoGatewayCluster : IAsyncLifetime
{
    public TempDirectory Temp { get; } = new();
    public GatewayNode NodeA { get; private set; } = null!;
    public GatewayNode NodeB { get; private set; } = null!;
    public string UnitsDirectory => Temp.Sub("units");

    public async Task InitializeAsync()
    {
        var portA = FreePort.Next();
        NodeA = await GatewayNode.StartAsync(Temp.Sub("gw"), clusterPort: portA, seedPorts: [portA]);
        NodeB = await GatewayNode.StartAsync(Temp.Sub("gw"), seedPorts: [portA]);
        await Eventually.AssertAsync(() =>
        {
            foreach (var node in new[] { NodeA, NodeB })
                Assert.Equal(2, Cluster.Get(node.ActorSystem).State.Members.Count(m => m.Status == MemberStatus.Up));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await NodeB.DisposeAsync();
        await NodeA.DisposeAsync();
        Temp.Dispose();
    }
}
