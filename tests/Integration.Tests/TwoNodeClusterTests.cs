using System.Net;
using Akka.Actor;
using Akka.Cluster;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Messages;
using Microsoft.Extensions.DependencyInjection;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Two gateway nodes in one cluster (two real hosts on loopback sharing one database): the unit's
/// socket and its session may live on different nodes, and the socket survives the session moving.
/// </summary>
public sealed class TwoNodeClusterTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
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

        // Served through either node's REST API: node A reads straight from the socket it holds,
        // node B through the session (ADR 10).
        Assert.True(_nodeA.Services.GetRequiredService<LocalUnitSockets>().TryGet(unitId, out _));
        Assert.False(_nodeB.Services.GetRequiredService<LocalUnitSockets>().TryGet(unitId, out _));
        foreach (var node in new[] { _nodeA, _nodeB })
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await node.GetAsync(path, token)).StatusCode));

        // Writes keep coming through node A while node B leaves (shard hand-off): none may be lost.
        using var stopWriting = new CancellationTokenSource();
        var accepted = new List<string>();
        var writer = Task.Run(async () =>
        {
            var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(70), TimeSpan.Zero);
            for (var i = 0; !stopWriting.IsCancellationRequested; i++)
            {
                var slot = i;
                // 503 (not confirmed during the move) is retried with the same key: at most one operation per key.
                var response = await Eventually.GetAsync(() => _nodeA.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
                        new { startsAt = start.AddHours(slot), durationMinutes = 30, clinician = "Hand-off", reason = "move" },
                        idempotencyKey: $"move-{slot}", prefer: "respond-async"),
                    r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(1));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                lock (accepted) accepted.Add(response.Headers.Location!.ToString().Split('/')[^1]);
            }
        });

        // Node B leaves: the session moves to node A and the open socket re-attaches to it.
        await Eventually.AssertAsync(() => { lock (accepted) Assert.True(accepted.Count >= 20); return Task.CompletedTask; });
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

        await Eventually.AssertAsync(() => { lock (accepted) Assert.True(accepted.Count >= 60); return Task.CompletedTask; });
        await stopWriting.CancelAsync();
        await writer;
        var db = UnitLedger.DatabasePath(_temp.Sub("units"), unitId);
        await Eventually.AssertAsync(() =>
        {
            Assert.Equal(accepted.Count, UnitLedger.Applied(db).Count);
            return Task.CompletedTask;
        }, TimeSpan.FromMinutes(1));
        var report = FaultReport.Measure("writes through node A while node B (holding the session) leaves", new Dictionary<string, IReadOnlyList<string>> { [db] = accepted },
            TimeSpan.Zero, d => UnitLedger.Count(d, "appointments", "clinician = 'Hand-off'"));
        report.WriteTo(output);
        report.AssertNothingLost();
    }
}
