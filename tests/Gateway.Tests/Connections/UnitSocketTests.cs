using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Connections;
using HealthGateway.Gateway.Sessions;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Tests.Connections;

/// <summary>
/// <see cref="UnitSocket"/> over a real loopback TCP connection with real WebSockets on both ends:
/// the gateway side is the class under test, the other end plays the unit.
/// </summary>
public sealed class UnitSocketTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<InboundMessage> _delivered = new();
    private TcpListener _listener = null!;
    private TcpClient _client = null!;
    private Socket _server = null!;
    private WebSocket _gatewayEnd = null!;
    private WebSocket _unitEnd = null!;
    private Task _receiveLoop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _client = new TcpClient();
        var accept = _listener.AcceptSocketAsync();
        await _client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        _server = await accept;
        _gatewayEnd = WebSocket.CreateFromStream(new NetworkStream(_server, ownsSocket: true), isServer: true, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
        _unitEnd = WebSocket.CreateFromStream(_client.GetStream(), isServer: false, subProtocol: null, keepAliveInterval: TimeSpan.Zero);
    }

    public Task DisposeAsync()
    {
        _gatewayEnd.Abort();
        _unitEnd.Abort();
        _client.Dispose();
        _listener.Stop();
        return Task.CompletedTask;
    }

    private UnitSocket Start(GatewayOptions? options = null, bool sendLoop = true)
    {
        var socket = new UnitSocket("unit-1", _gatewayEnd, options ?? new GatewayOptions());
        if (sendLoop) _ = Task.Run(socket.RunSendLoopAsync);
        _receiveLoop = Task.Run(() => socket.RunReceiveLoopAsync(_delivered.Enqueue));
        return socket;
    }

    private static UnitSessionCommands.RouteRead Read(string id, TimeSpan? deadlineIn = null) =>
        new("unit-1", id, "appointments.list", "patient-1", DateTimeOffset.UtcNow + (deadlineIn ?? TimeSpan.FromSeconds(30)), "corr-1");

    [Fact]
    public async Task A_read_is_answered_by_the_units_reply_without_passing_the_actor()
    {
        var socket = Start();
        var answer = socket.ReadAsync(Read("r1"), Patience, CancellationToken.None);

        var request = Assert.IsType<Request>(await ReceiveAtUnitAsync());
        Assert.Equal("r1", request.Id);
        Assert.Equal("patient-1", request.PatientId);
        await SendFromUnitAsync(new Reply("r1", ReplyStatus.Ok, JsonSerializer.SerializeToElement(new { patientId = "patient-1" })));

        var replied = Assert.IsType<ReadReplies.Replied>(await answer.WaitAsync(Patience));
        Assert.Equal(ReplyStatus.Ok, replied.Status);
        Assert.Contains("patient-1", replied.PayloadJson);
        Assert.Empty(_delivered); // the reply never went to the actor
    }

    [Fact]
    public async Task Reads_beyond_the_room_left_for_deliveries_are_refused_as_busy_at_once()
    {
        var options = new GatewayOptions { OutboundQueueCapacity = 600, DeliveryWindow = 64 };
        // Reads may use the queue up to capacity - 2 x window - 16 (= 456 here).
        var socket = Start(options, sendLoop: false);
        var waiting = Enumerable.Range(0, 456).Select(i => socket.ReadAsync(Read($"r{i}"), Patience, CancellationToken.None)).ToList();
        Assert.All(waiting, t => Assert.False(t.IsCompleted));

        var refused = await socket.ReadAsync(Read("one-too-many"), Patience, CancellationToken.None);
        Assert.Equal(ReadFailure.UnitBusy, Assert.IsType<ReadReplies.Failed>(refused).Reason);
        // Control frames still have their room.
        Assert.True(socket.TrySend(new Ping(1)));
        socket.Close();
    }

    [Fact]
    public async Task Closing_answers_every_waiting_read_and_every_later_read_with_offline()
    {
        var socket = Start();
        var waiting = socket.ReadAsync(Read("r1"), Patience, CancellationToken.None);
        await ReceiveAtUnitAsync();

        socket.Close();

        Assert.Equal(ReadFailure.UnitOffline, Assert.IsType<ReadReplies.Failed>(await waiting.WaitAsync(Patience)).Reason);
        var later = await socket.ReadAsync(Read("r2"), Patience, CancellationToken.None);
        Assert.Equal(ReadFailure.UnitOffline, Assert.IsType<ReadReplies.Failed>(later).Reason);
        Assert.False(socket.TrySend(new Ping(1)));
    }

    [Fact]
    public async Task A_read_nobody_answers_returns_null_at_its_timeout_and_is_forgotten()
    {
        var socket = Start();
        var answer = await socket.ReadAsync(Read("r1"), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Null(answer);

        // Its late reply is not a live read any more: the actor gets it (and ignores it).
        await ReceiveAtUnitAsync();
        await SendFromUnitAsync(new Reply("r1", ReplyStatus.Ok));
        await AwaitAsync(() => _delivered.Any(m => m is InboundMessage.Received { Frame: Reply { Id: "r1" } }));
    }

    [Fact]
    public async Task A_request_whose_deadline_passed_while_queued_is_not_sent()
    {
        var socket = Start(sendLoop: false);
        _ = socket.ReadAsync(Read("stale", deadlineIn: TimeSpan.FromMilliseconds(-1)), Patience, CancellationToken.None);
        Assert.True(socket.TrySend(new Ping(7)));
        _ = Task.Run(socket.RunSendLoopAsync);

        Assert.Equal(7, Assert.IsType<Ping>(await ReceiveAtUnitAsync()).Nonce);
    }

    [Fact]
    public async Task At_most_the_inbound_window_of_frames_waits_for_the_actor_then_reading_pauses()
    {
        var socket = Start();
        var total = UnitSocket.InboundWindow + 8;
        for (var i = 0; i < total; i++) await SendFromUnitAsync(new Ping(i));

        await AwaitAsync(() => _delivered.Count == UnitSocket.InboundWindow);
        Assert.Equal(UnitSocket.InboundWindow, _delivered.Count);

        for (var i = 0; i < 8; i++) socket.InboundProcessed();
        await AwaitAsync(() => _delivered.Count == total);
        var nonces = _delivered.Select(m => ((Ping)((InboundMessage.Received)m).Frame).Nonce).ToList();
        Assert.Equal(Enumerable.Range(0, total).Select(i => (long)i), nonces); // in order, none lost
    }

    [Fact]
    public async Task A_receive_loop_waiting_for_room_in_the_window_ends_when_the_actor_abandons_the_socket()
    {
        var socket = Start();
        for (var i = 0; i <= UnitSocket.InboundWindow; i++) await SendFromUnitAsync(new Ping(i));
        await AwaitAsync(() => _delivered.Count == UnitSocket.InboundWindow);

        socket.Abandon();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _receiveLoop.WaitAsync(Patience));
    }

    [Fact]
    public async Task A_frame_over_the_cap_is_rejected_once_and_the_loop_ends_when_the_unit_closes()
    {
        var options = new GatewayOptions { MaxFrameBytes = 1024 };
        var socket = new UnitSocket("unit-1", _gatewayEnd, options);
        var loop = Task.Run(() => socket.RunReceiveLoopAsync(_delivered.Enqueue));

        await _unitEnd.SendAsync(new byte[2048], WebSocketMessageType.Text, true, CancellationToken.None);
        await AwaitAsync(() => !_delivered.IsEmpty);
        var rejected = Assert.IsType<InboundMessage.Rejected>(Assert.Single(_delivered));
        Assert.Equal(ProtocolErrorCode.TooLarge, rejected.Error.Code);

        await _unitEnd.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        await loop.WaitAsync(Patience);
        Assert.Single(_delivered);
    }

    private async Task SendFromUnitAsync(Frame frame) =>
        await _unitEnd.SendAsync(FrameCodec.Encode(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task<Frame> ReceiveAtUnitAsync()
    {
        var buffer = new byte[64 * 1024];
        var count = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var result = await _unitEnd.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            count += result.Count;
            if (result.EndOfMessage) break;
        }
        return FrameCodec.Decode(buffer.AsSpan(0, count)).Frame!;
    }

    private static async Task AwaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }
}
