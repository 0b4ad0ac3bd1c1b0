using System.Net;
using Akka.Actor;
using Akka.Cluster;
using HealthGateway.Gateway.Sessions;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Two gateway nodes in one cluster (two real hosts on loopback sharing one database): the unit's
/// socket and its session may live on different nodes, and the socket survives the session moving.
/// </summary>
public sealed class TwoNodeClusterTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _nodeA = null!;
    private GatewayNode _nodeB = null!;

    public async Task InitializeAsync()
    {
        var portA = FreePort.Next();
        _nodeA = await GatewayNode.StartAsync(_temp.Sub("gw"), clusterPort: portA, seedPorts: [portA]);
        _nodeB = await GatewayNode.StartAsync(_temp.Sub("gw"), seedPorts: [portA]);
        await Eventually.AssertAsync(() =>
        {
            foreach (var node in new[] { _nodeA, _nodeB })
                Assert.Equal(2, Cluster.Get(node.ActorSystem).State.Members.Count(m => m.Status == MemberStatus.Up));
            return Task.CompletedTask;
        }, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
        _temp.Dispose();
    }

    private static Task<UnitSessionReplies.SessionStatus> StatusAsync(GatewayNode via, string unitId) =>
        via.Region.Ask<UnitSessionReplies.SessionStatus>(new UnitSessionCommands.GetStatus(unitId), TimeSpan.FromSeconds(10));

    [Fact]
    public async Task A_unit_whose_socket_is_on_node_A_is_served_by_its_session_on_node_B()
    {
        // Find a unit id that sharding places on node B.
        var candidate = 0;
        var unitId = "";
        await Eventually.AssertAsync(async () =>
        {
            unitId = $"unit-{candidate++}";
            var status = await StatusAsync(_nodeA, unitId);
            Assert.Equal(_nodeB.ClusterAddress, status.SessionNode);
        }, TimeSpan.FromSeconds(60));

        await using var unit = await UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), _nodeA.WebSocketBase, _nodeA.UnitToken(unitId), seedPatients: 3);
        await unit.WaitConnectedAsync();
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _nodeA.PatientToken(patientId);
        var path = $"/api/v1/patients/{patientId}/appointments";

        var status = await StatusAsync(_nodeB, unitId);
        Assert.True(status.Connected);
        Assert.Equal(_nodeB.ClusterAddress, status.SessionNode);
        Assert.StartsWith(_nodeA.ClusterAddress, status.ConnectionPath);

        // Served through either node's REST API.
        foreach (var node in new[] { _nodeA, _nodeB })
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await node.GetAsync(path, token)).StatusCode));

        // Node B leaves: the session moves to node A and the open socket re-attaches to it.
        await _nodeB.DisposeAsync();
        _nodeB = await GatewayNode.StartAsync(_temp.Sub("gw-unused"), seedPorts: [_nodeA.ClusterPort], settings: new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = _temp.Sub("gw"),
        });
        await Eventually.AssertAsync(async () =>
        {
            var moved = await StatusAsync(_nodeA, unitId);
            Assert.True(moved.Connected);
            Assert.Equal(HttpStatusCode.OK, (await _nodeA.GetAsync(path, token)).StatusCode);
        }, TimeSpan.FromSeconds(60));
        Assert.Equal(1, unit.Connection.ConnectedCount); // the unit never had to reconnect
    }
}
