using System.Net.WebSockets;
using Akka.Actor;
using Akka.Streams;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Tests.Units.Connection;

/// <summary>
/// ADR 23: a real <see cref="UnitConnectionActor"/> on a real loopback WebSocket, its session played by probes. While no
/// session holds the connection (its session stopped, a new one not yet confirming it), this node's cache does not
/// list the socket and a read handed to the connection is answered "offline": the same answer the next session gives.
/// </summary>
public sealed class UnitConnectionSessionLossSpecs : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private const string UnitId = "unit-loss";

    private readonly LocalUnitSockets _local = new();
    private readonly TestProbe _region;
    private LoopbackWebSockets _loopback = null!;
    private WebSocket _gatewayEnd = null!;
    private WebSocket _unitEnd = null!;

    public UnitConnectionSessionLossSpecs() => _region = CreateTestProbe();

    public async Task InitializeAsync()
    {
        _loopback = await LoopbackWebSockets.OpenAsync();
        (_gatewayEnd, _unitEnd) = (_loopback.GatewayEnd, _loopback.UnitEnd);
    }

    public Task DisposeAsync()
    {
        _loopback.Dispose();
        return Task.CompletedTask;
    }

    private static UnitSessionCommands.RouteRead Read(string id) =>
        new(UnitId, id, Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddMinutes(1), "corr-1");

    [Fact]
    public async Task A_connection_whose_session_stopped_serves_no_read_until_the_next_session_confirms_it()
    {
        var settings = new UnitConnectionSettings(UnitId, _gatewayEnd, _region.Ref, new GatewayOptions(), DateTimeOffset.MaxValue,
            new TaskCompletionSource(), _local);
        var connection = Sys.ActorOf(UnitConnectionActor.Props(settings, Sys.Materializer()));
        await _unitEnd.SendAsync(FrameCodec.Encode(new Hello(ProtocolConstants.Version, UnitId, "spec/1", 0)), WebSocketMessageType.Text, true, CancellationToken.None);

        var session = CreateTestProbe();
        _region.ExpectMsg<UnitSessionCommands.Attach>(Patience);
        connection.Tell(new UnitSessionReplies.Attached(UnitId, 1, 0), session.Ref);
        AwaitAssert(() => Assert.True(_local.TryGet(UnitId, out _)), Patience);

        Sys.Stop(session.Ref); // the session moved or stopped: the connection re-attaches
        _region.FishForMessage(m => m is UnitSessionCommands.Attach, Patience);

        Assert.False(_local.TryGet(UnitId, out _));
        var asker = CreateTestProbe();
        connection.Tell(new UnitConnectionCommands.SendRead(Read("r-1")), asker.Ref);
        Assert.Equal(ReadFailure.UnitOffline, asker.ExpectMsg<ReadReplies.Failed>(Patience).Reason);

        var next = CreateTestProbe();
        connection.Tell(new UnitSessionReplies.Attached(UnitId, 2, 0), next.Ref);
        AwaitAssert(() =>
        {
            Assert.True(_local.TryGet(UnitId, out var socket));
            Assert.Equal(2, socket.AttachedEpoch);
        }, Patience);
        Sys.Stop(connection);
    }
}
