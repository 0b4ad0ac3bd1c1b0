using System.Net.WebSockets;
using Akka.Actor;
using Akka.Hosting;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Tests.Units;

/// <summary>
/// <see cref="UnitGateway"/> only knows where to ask: a read goes to this node's socket when the session confirmed one
/// here, otherwise to the unit's session (a probe standing for the shard region), as do writes and operation queries.
/// </summary>
public sealed class UnitGatewaySpecs : TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly LocalUnitSockets _local = new();

    private static UnitSessionCommands.RouteRead Read(string unitId) =>
        new(unitId, "r1", "appointments.list", "patient-1", DateTimeOffset.UtcNow.AddMinutes(1), "corr-1");

    [Fact]
    public async Task A_read_for_a_unit_without_a_socket_here_asks_its_session_and_returns_the_answer()
    {
        var region = CreateTestProbe();
        var units = new UnitGateway(new FixedRegion(region.Ref), _local);

        var answer = units.ReadAsync(Read("unit-1"), Patience, CancellationToken.None);

        var read = region.ExpectMsg<UnitSessionCommands.RouteRead>(Patience);
        Assert.Equal("unit-1", read.UnitId);
        region.Reply(ReadReplies.Offline(read.RequestId));
        Assert.Equal(ReadFailure.UnitOffline, Assert.IsType<ReadReplies.Failed>(await answer).Reason);
    }

    [Fact]
    public void A_read_for_a_unit_whose_confirmed_socket_is_here_goes_to_the_socket_not_the_session()
    {
        var region = CreateTestProbe();
        using var webSocket = WebSocket.CreateFromStream(new MemoryStream(), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        var socket = new UnitSocket("unit-1", webSocket, new GatewayOptions());
        Assert.True(_local.Attach(socket, 1));
        var units = new UnitGateway(new FixedRegion(region.Ref), _local);

        var answer = units.ReadAsync(Read("unit-1"), Patience, CancellationToken.None);

        Assert.False(answer.IsCompleted);
        Assert.Equal(1, socket.Outbound.Count); // the request frame waits in the socket's outbound queue
        Assert.False(region.HasMessages);
    }

    [Fact]
    public async Task Writes_and_operation_queries_go_to_the_session()
    {
        var region = CreateTestProbe();
        var units = new UnitGateway(new FixedRegion(region.Ref), _local);
        var write = new UnitSessionCommands.EnqueueWrite("unit-1", OperationId.New("unit-1"), "appointments.book", "patient-1", "{}",
            TimeSpan.FromHours(1), "patient-1", null, null, TimeSpan.Zero, "corr-1");

        var submitted = units.SubmitWriteAsync(write, Patience);
        Assert.Same(write, region.ExpectMsg<UnitSessionCommands.EnqueueWrite>(Patience));
        region.Reply(new UnitSessionReplies.OperationUnknown(write.OperationId));
        Assert.IsType<UnitSessionReplies.OperationUnknown>(await submitted);

        var queried = units.QueryOperationAsync(new UnitSessionCommands.GetOperation("unit-1", write.OperationId), Patience);
        Assert.Equal(write.OperationId, region.ExpectMsg<UnitSessionCommands.GetOperation>(Patience).OperationId);
        region.Reply(new UnitSessionReplies.OperationUnknown(write.OperationId));
        Assert.IsType<UnitSessionReplies.OperationUnknown>(await queried);
    }

    /// <summary>The shard region as the gateway's DI hands it out, here a probe.</summary>
    private sealed class FixedRegion(IActorRef region) : IRequiredActor<UnitSessionRegion>
    {
        public IActorRef ActorRef => region;
        public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => Task.FromResult(region);
    }
}
