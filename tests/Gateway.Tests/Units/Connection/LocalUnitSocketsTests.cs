using System.Net.WebSockets;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Tests.Units.Connection;

/// <summary>
/// ADR 23: <see cref="LocalUnitSockets"/> is a cache of what the session confirmed, and a socket's read gate follows it.
/// Real <see cref="UnitSocket"/>s (no graph runs, so a request a read queues stays in the outbound queue to be seen).
/// </summary>
public sealed class LocalUnitSocketsTests : IDisposable
{
    private readonly List<WebSocket> _sockets = [];
    private readonly LocalUnitSockets _local = new();

    private UnitSocket NewSocket(string unitId = "unit-1")
    {
        var socket = WebSocket.CreateFromStream(new MemoryStream(), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        _sockets.Add(socket);
        return new UnitSocket(unitId, socket, new GatewayOptions());
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
    }

    private static UnitSessionCommands.RouteRead Read(string id) =>
        new("unit-1", id, "appointments.list", "patient-1", DateTimeOffset.UtcNow.AddMinutes(1), "corr-1");

    private static async Task<ReadReplies.Failed> RefusedAsync(UnitSocket socket, string id)
    {
        var answer = await socket.ReadAsync(Read(id), TimeSpan.FromSeconds(20), CancellationToken.None);
        return Assert.IsType<ReadReplies.Failed>(answer);
    }

    [Fact]
    public async Task A_socket_the_session_has_not_confirmed_takes_no_read_and_answers_offline()
    {
        var socket = NewSocket();

        Assert.Equal(ReadFailure.UnitOffline, (await RefusedAsync(socket, "r1")).Reason);
        Assert.Equal(0, socket.Outbound.Count);
        Assert.False(_local.TryGet("unit-1", out _));
    }

    [Fact]
    public async Task A_newer_epoch_on_this_node_shuts_the_older_socket_before_it_is_listed()
    {
        var old = NewSocket();
        var newer = NewSocket();
        Assert.True(_local.Attach(old, 1));

        Assert.True(_local.Attach(newer, 2));

        Assert.True(_local.TryGet("unit-1", out var listed));
        Assert.Same(newer, listed);
        // A read that looked the old socket up just before still never reaches it.
        Assert.Equal(ReadFailure.UnitOffline, (await RefusedAsync(old, "r1")).Reason);
        Assert.Equal(0, old.Outbound.Count);
        var served = newer.ReadAsync(Read("r2"), TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.False(served.IsCompleted);
        Assert.Equal(1, newer.Outbound.Count);
    }

    [Fact]
    public async Task An_older_epoch_confirmed_late_never_displaces_a_newer_one()
    {
        var old = NewSocket();
        var newer = NewSocket();
        Assert.True(_local.Attach(newer, 2));

        Assert.False(_local.Attach(old, 1));

        Assert.True(_local.TryGet("unit-1", out var listed));
        Assert.Same(newer, listed);
        Assert.Equal(ReadFailure.UnitOffline, (await RefusedAsync(old, "r1")).Reason);
    }

    [Fact]
    public async Task Detaching_shuts_the_gate_and_unlists_only_that_socket()
    {
        var old = NewSocket();
        var newer = NewSocket();
        _local.Attach(old, 1);
        _local.Attach(newer, 2);

        _local.Detach(old); // the old connection closing after its supersede
        Assert.True(_local.TryGet("unit-1", out var listed));
        Assert.Same(newer, listed);

        _local.Detach(newer); // its session lost: re-attaching
        Assert.False(_local.TryGet("unit-1", out _));
        Assert.Equal(ReadFailure.UnitOffline, (await RefusedAsync(newer, "r1")).Reason);

        _local.Attach(newer, 3); // the next session confirmed it
        Assert.True(_local.TryGet("unit-1", out _));
        Assert.Equal(3, newer.AttachedEpoch);
    }

    [Fact]
    public async Task A_closed_socket_stays_shut_even_if_a_late_confirmation_arrives()
    {
        var socket = NewSocket();
        socket.Close();

        Assert.False(_local.Attach(socket, 1));

        Assert.False(_local.TryGet("unit-1", out _));
        Assert.True(socket.AttachedEpoch < 0);
        Assert.Equal(ReadFailure.UnitOffline, (await RefusedAsync(socket, "r1")).Reason);
    }
}
