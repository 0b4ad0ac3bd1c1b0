using System.Net;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// ADR 23: the unit's session is the one truth of which socket serves its reads. A hand-made unit on real WebSockets,
/// real HTTP callers.
/// </summary>
public sealed class UnitLocationTests(OneGatewayNode fixture) : IClassFixture<OneGatewayNode>
{
    private GatewayNode Gateway => fixture.Node;

    /// <summary>Answers every request with <paramref name="status"/> until the gateway closes the socket; counts them.</summary>
    private static async Task<int> AnswerEveryReadAsync(RawUnitClient unit, ReplyStatus status)
    {
        var answered = 0;
        while (await unit.ReceiveAsync(TimeSpan.FromSeconds(60)) is { } frame)
        {
            if (frame is not Request request) continue;
            await unit.SendAsync(new Reply(request.Id, status));
            answered++;
        }
        return answered;
    }

    [Fact]
    public async Task A_read_racing_a_reconnect_never_reaches_the_superseded_socket_once_the_new_one_is_welcomed()
    {
        const string unitId = "unit-loc-race", patientId = "p-loc-race";
        var (old, _) = await RawUnitClient.AttachAsync(Gateway.WebSocketBase, Gateway.UnitToken(unitId), unitId);
        await using var __ = old;
        await old.SendAsync(new EventBatch([TestEvents.Registered(1, patientId)]));
        Assert.Equal(1, Assert.IsType<Ack>(await old.ReceiveAsync()).UpToSeq);
        // The old socket answers "unsupported" (501), the new one "not found" (404): the status says which one answered.
        var oldAnswers = AnswerEveryReadAsync(old, ReplyStatus.Unsupported);

        var token = Gateway.PatientToken(patientId);
        var welcomed = 0;
        var afterWelcome = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var enough = new TaskCompletionSource();
        async Task ReadLoopAsync()
        {
            while (!enough.Task.IsCompleted)
            {
                var startedAfterWelcome = Volatile.Read(ref welcomed) == 1;
                var response = await Gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", token);
                if (!startedAfterWelcome) continue;
                afterWelcome.Add(response.StatusCode);
                if (afterWelcome.Count >= 60) enough.TrySetResult();
            }
        }
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(ReadLoopAsync)).ToList();

        var (newer, _) = await RawUnitClient.AttachAsync(Gateway.WebSocketBase, Gateway.UnitToken(unitId), unitId);
        await using var ___ = newer;
        Volatile.Write(ref welcomed, 1);
        var newAnswers = AnswerEveryReadAsync(newer, ReplyStatus.NotFound);

        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(afterWelcome, status => Assert.Equal(HttpStatusCode.NotFound, status));
        await oldAnswers.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(CloseCodes.Superseded, (int?)old.Socket.CloseStatus);
        Assert.False(newAnswers.IsCompleted, "the new socket stays open and answering");
    }

    [Fact]
    public async Task A_connected_socket_the_session_has_not_confirmed_takes_no_read_the_read_is_503_offline()
    {
        const string unitId = "unit-loc-hello", patientId = "p-loc-hello";
        var (first, _) = await RawUnitClient.AttachAsync(Gateway.WebSocketBase, Gateway.UnitToken(unitId), unitId);
        await using (first)
        {
            await first.SendAsync(new EventBatch([TestEvents.Registered(1, patientId)]));
            Assert.Equal(1, Assert.IsType<Ack>(await first.ReceiveAsync()).UpToSeq);
        }
        // Open on this node, but no hello yet: nothing attached, so the session holds no connection.
        await using var silent = await RawUnitClient.ConnectAsync(Gateway.WebSocketBase, Gateway.UnitToken(unitId));

        var response = await Eventually.GetAsync(
            () => Gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", Gateway.PatientToken(patientId)),
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable);

        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, silent.Socket.State);
    }
}

/// <summary>ADR 23: "offline" is the same answer on the node holding the unit's socket and on any other node.</summary>
public sealed class UnitOfflineAcrossNodesTests(TwoGatewayCluster cluster) : IClassFixture<TwoGatewayCluster>
{
    [Fact]
    public async Task A_unit_whose_session_holds_no_connection_is_503_offline_on_its_own_node_and_on_another()
    {
        const string unitId = "unit-loc-off", patientId = "p-loc-off";
        var nodeA = cluster.NodeA;
        var (unit, _) = await RawUnitClient.AttachAsync(nodeA.WebSocketBase, nodeA.UnitToken(unitId), unitId);
        await using (unit)
        {
            await unit.SendAsync(new EventBatch([TestEvents.Registered(1, patientId)]));
            Assert.Equal(1, Assert.IsType<Ack>(await unit.ReceiveAsync()).UpToSeq);
        }

        foreach (var node in new[] { cluster.NodeA, cluster.NodeB })
        {
            var response = await Eventually.GetAsync(
                () => node.GetAsync($"/api/v1/patients/{patientId}/appointments", node.PatientToken(patientId)),
                r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
