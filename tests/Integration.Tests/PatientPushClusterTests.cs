using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using static HealthGateway.Integration.Tests.Infrastructure.PatientEventClient;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Patient event streams on a two-node cluster: the patient's connection, the unit's session and the patient's
/// feed may each be on a different node; a resume works on any node; losing the feed's node yields <c>reset</c>.
/// </summary>
public sealed class PatientPushClusterTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _nodeA = null!;
    private GatewayNode? _nodeB;

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
        // Until both regions registered, every new shard goes to the first: the tests need placements on node B.
        await Eventually.AssertAsync(async () =>
        {
            var feeds = _nodeA.Services.GetRequiredService<IRequiredActor<PatientFeedRegion>>().ActorRef;
            foreach (var region in new[] { feeds, _nodeA.Region })
                Assert.Equal(2, (await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(10))).Regions.Count);
        }, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_nodeB is not null) await _nodeB.DisposeAsync();
        await _nodeA.DisposeAsync();
        _temp.Dispose();
    }

    private GatewayNode NodeB => _nodeB!;

    /// <summary>The first id from <paramref name="candidates"/> that sharding places on <paramref name="node"/>.</summary>
    private static async Task<string> PlacedOnAsync(GatewayNode node, Func<int, string> candidates, Func<string, Task<string>> nodeOf)
    {
        for (var i = 0; i < 200; i++)
        {
            var id = candidates(i);
            if (await nodeOf(id) == node.ClusterAddress) return id;
        }
        throw new InvalidOperationException($"no id placed on {node.ClusterAddress}; last: {await nodeOf(candidates(0))}");
    }

    private async Task<string> SessionNodeAsync(string unitId) =>
        (await _nodeA.Region.Ask<UnitSessionReplies.SessionStatus>(new UnitSessionCommands.GetStatus(unitId), TimeSpan.FromSeconds(10))).SessionNode;

    /// <summary>Where the patient's feed runs: the node of the actor that answers a subscription.</summary>
    private async Task<string> FeedNodeAsync(string patientId)
    {
        var feeds = _nodeA.Services.GetRequiredService<IRequiredActor<PatientFeedRegion>>().ActorRef;
        var answeredBy = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probe = _nodeA.ActorSystem.ActorOf(Props.Create(() => new SenderCapture(answeredBy)));
        try
        {
            feeds.Tell(new PatientFeedCommands.Subscribe(patientId, probe, null));
            var feed = await answeredBy.Task.WaitAsync(TimeSpan.FromSeconds(15));
            return feed.Path.Address.HasLocalScope ? _nodeA.ClusterAddress : feed.Path.Address.ToString();
        }
        finally
        {
            _nodeA.ActorSystem.Stop(probe); // the feed forgets it when it terminates
        }
    }

    private sealed class SenderCapture : ReceiveActor
    {
        public SenderCapture(TaskCompletionSource<IActorRef> answeredBy) => ReceiveAny(_ => answeredBy.TrySetResult(Sender));
    }

    private static async Task<List<string>> StatusesAsync(PatientEventClient stream, string operationId)
    {
        var events = await stream.UntilAsync(e => Type(e) == "operation.status" && e.GetProperty("data").GetProperty("status").GetString() == "applied");
        return events.Where(e => Type(e) == "operation.status" && e.GetProperty("data").GetProperty("id").GetString() == operationId)
            .Select(e => e.GetProperty("data").GetProperty("status").GetString()!).ToList();
    }

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(50), TimeSpan.Zero).AddHours(n);

    [Fact]
    public async Task A_subscriber_on_node_A_gets_the_events_of_a_session_on_node_B_and_resumes_on_node_B()
    {
        var unitId = await PlacedOnAsync(NodeB, i => $"unit-push-{i}", SessionNodeAsync);
        await using var unit = await UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), NodeB.WebSocketBase, NodeB.UnitToken(unitId), seedPatients: 2);
        await unit.WaitConnectedAsync();
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _nodeA.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await _nodeA.GetAsync($"/api/v1/patients/{patientId}/appointments", token)).StatusCode));
        Assert.Equal(NodeB.ClusterAddress, await SessionNodeAsync(unitId));

        string lastSeen;
        await using (var onA = await OpenAsync(Transport.ServerSentEvents, _nodeA, patientId, token))
        {
            var first = await _nodeA.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(1)));
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var firstId = (await first.JsonAsync()).GetProperty("id").GetString()!;
            Assert.Equal(["queued", "delivered", "applied"], await StatusesAsync(onA, firstId));
            lastSeen = ((SseEventClient)onA).LastEventId!;
        }

        // While the app is away a second write is made; it resumes through the other node.
        var second = await NodeB.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token, WriteClient.Booking(Slot(2)));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var secondId = (await second.JsonAsync()).GetProperty("id").GetString()!;

        await using var onB = await OpenAsync(Transport.WebSocket, NodeB, patientId, token, lastSeen);
        var replayed = await onB.UntilAsync(e => Type(e) == "operation.status"
            && e.GetProperty("data").GetProperty("id").GetString() == secondId
            && e.GetProperty("data").GetProperty("status").GetString() == "applied");
        Assert.DoesNotContain(replayed, e => Type(e) == "reset");
        Assert.Equal(["queued", "delivered", "applied"], replayed
            .Where(e => Type(e) == "operation.status" && e.GetProperty("data").GetProperty("id").GetString() == secondId)
            .Select(e => e.GetProperty("data").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task When_the_node_holding_the_feed_leaves_the_stream_gets_reset_and_then_live_events_again()
    {
        var patientId = await PlacedOnAsync(NodeB, i => $"p-feed-{i}", FeedNodeAsync);
        await using var unit = await ChangingUnit.AttachAsync(_nodeA, "unit-feed-move", patientId);
        await using var stream = await OpenAsync(Transport.WebSocket, _nodeA, patientId, _nodeA.PatientToken(patientId));
        await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, new { n = 1 });
        Assert.Equal("record.changed", Type(await stream.NextAsync()));

        await NodeB.DisposeAsync(); // leaves the cluster: the feed is handed off (it keeps nothing durable)
        _nodeB = null;

        var reset = await stream.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("reset", Type(reset));
        await Eventually.AssertAsync(async () => Assert.Equal(_nodeA.ClusterAddress, await FeedNodeAsync(patientId)), TimeSpan.FromSeconds(60));
        await unit.ReportAsync(UnitEventKinds.RecordUpdated, patientId, new { n = 2 });
        var next = await stream.NextAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("record.changed", Type(next));
        Assert.Equal(2, next.GetProperty("data").GetProperty("payload").GetProperty("n").GetInt32());
    }
}
