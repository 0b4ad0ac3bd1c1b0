using System.Net.WebSockets;
using System.Text.Json;
using Akka.Streams;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Units.Connection;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Tests.Units.Connection;

/// <summary>
/// <see cref="UnitSocketGraph"/> over a real loopback TCP connection with real WebSockets on both ends:
/// the gateway end runs the graph, a <see cref="TestProbe"/> plays the connection actor, the other end plays the unit.
/// </summary>
public sealed class UnitSocketGraphSpecs : TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly IMaterializer _materializer;
    private readonly TestProbe _actor;
    private LoopbackWebSockets _loopback = null!;
    private WebSocket _gatewayEnd = null!;
    private WebSocket _unitEnd = null!;

    public UnitSocketGraphSpecs()
    {
        _materializer = Sys.Materializer();
        _actor = CreateTestProbe();
    }

    public async Task InitializeAsync()
    {
        // Small kernel buffers, so that "stopped reading" shows after a few frames rather than megabytes.
        _loopback = await LoopbackWebSockets.OpenAsync(kernelBufferBytes: 16 * 1024);
        (_gatewayEnd, _unitEnd) = (_loopback.GatewayEnd, _loopback.UnitEnd);
    }

    public Task DisposeAsync()
    {
        _loopback.Dispose();
        return Task.CompletedTask;
    }

    private (UnitSocket Socket, Task Outbound) Start(GatewayOptions? options = null)
    {
        var socket = new UnitSocket("unit-1", _gatewayEnd, options ?? new GatewayOptions());
        socket.OpenForReads(1); // as its session's Attached does (LocalUnitSockets.Attach)
        var outbound = UnitSocketGraph.Run(socket, _actor.Ref, _materializer);
        _actor.ExpectMsg<UnitSocketInbound.Started>(Patience);
        _actor.Reply(UnitSocketInbound.Ack.Instance);
        return (socket, outbound);
    }

    private static UnitSessionCommands.RouteRead Read(string id, TimeSpan? deadlineIn = null) =>
        new("unit-1", id, "appointments.list", "patient-1", DateTimeOffset.UtcNow + (deadlineIn ?? TimeSpan.FromSeconds(60)), "corr-1");

    [Fact]
    public async Task A_read_is_answered_by_the_units_reply_inside_the_graph_without_passing_the_actor()
    {
        var (socket, _) = Start();
        var answer = socket.ReadAsync(Read("r1"), Patience, CancellationToken.None);

        var request = Assert.IsType<Request>(await ReceiveAtUnitAsync());
        Assert.Equal("r1", request.Id);
        Assert.Equal("patient-1", request.PatientId);
        await SendFromUnitAsync(new Reply("r1", ReplyStatus.Ok, JsonSerializer.SerializeToElement(new { patientId = "patient-1" })));
        await SendFromUnitAsync(new Ping(9));

        var replied = Assert.IsType<ReadReplies.Replied>(await answer.WaitAsync(Patience));
        Assert.Equal(ReplyStatus.Ok, replied.Status);
        Assert.Contains("patient-1", System.Text.Encoding.UTF8.GetString(replied.PayloadUtf8!));
        // The frame after the reply is the first thing the actor sees: the reply never went to it.
        var batch = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
        Assert.Equal(9, Assert.IsType<Ping>(((InboundMessage.Received)batch.Messages[0]).Frame).Nonce);
    }

    [Fact]
    public async Task A_unit_that_stops_reading_fills_the_bounded_queue_and_further_reads_are_busy_while_none_is_dropped()
    {
        var options = new GatewayOptions { OutboundQueueCapacity = 600, DeliveryWindow = 64 };
        var (socket, _) = Start(options);

        // The unit reads nothing: the send stage waits on a full TCP window, then the queue fills up to the
        // room reads may use (capacity - 2 x window - 16 = 456 here), and the next read is refused at once.
        var accepted = new List<Task<object?>>();
        ReadReplies.Failed? refused = null;
        for (var i = 0; i < 200_000 && refused is null; i++)
        {
            var read = socket.ReadAsync(Read($"r{i}"), TimeSpan.FromMinutes(2), CancellationToken.None);
            if (read.IsCompleted) refused = Assert.IsType<ReadReplies.Failed>(await read);
            else accepted.Add(read);
        }
        Assert.NotNull(refused);
        Assert.Equal(ReadFailure.UnitBusy, refused.Reason);
        Assert.True(accepted.Count >= 456, $"only {accepted.Count} reads were queued before the refusal");
        Assert.True(socket.TrySend(new Ping(1)), "control frames keep their room");

        // Once the unit reads again, every accepted read reaches it, in order.
        for (var i = 0; i < accepted.Count; i++)
            Assert.Equal($"r{i}", Assert.IsType<Request>(await ReceiveAtUnitAsync()).Id);
        Assert.Equal(1, Assert.IsType<Ping>(await ReceiveAtUnitAsync()).Nonce);
        socket.Close();
    }

    [Fact]
    public async Task A_unit_that_floods_frames_is_not_read_while_the_actor_holds_a_batch_and_nothing_is_lost()
    {
        Start();
        const int total = 2_000;
        // ~16 KB per frame, 32 MB in all: far more than any buffer here. Replies nobody waits for go to the actor.
        var padding = JsonSerializer.SerializeToElement(new string('x', 16 * 1024));
        var sent = 0;
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < total; i++)
            {
                await SendFromUnitAsync(new Reply(i.ToString(), ReplyStatus.Ok, padding));
                Interlocked.Increment(ref sent);
            }
        });

        // The actor takes the first batch and does not acknowledge it: the graph fills the next batch, then stops
        // reading, and the unit's sends stop completing (what it holds is bounded by two batches of frames).
        var first = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
        var holder = _actor.LastSender;
        Assert.InRange(first.Messages.Count, 1, UnitSocketGraph.InboundBatchSize);
        Assert.NotSame(flood, await Task.WhenAny(flood, Task.Delay(TimeSpan.FromSeconds(2))));
        Assert.True(Volatile.Read(ref sent) < 120, $"the unit sent {sent} frames while the actor held one batch");
        _actor.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Acknowledging lets everything through, in order, in batches of at most the batch size.
        var received = first.Messages.Select(Nonce).ToList();
        holder.Tell(UnitSocketInbound.Ack.Instance, _actor.Ref);
        while (received.Count < total)
        {
            var batch = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
            Assert.InRange(batch.Messages.Count, 1, UnitSocketGraph.InboundBatchSize);
            received.AddRange(batch.Messages.Select(Nonce));
            _actor.Reply(UnitSocketInbound.Ack.Instance);
        }
        await flood.WaitAsync(Patience);
        Assert.Equal(Enumerable.Range(0, total), received);

        static int Nonce(InboundMessage message) => int.Parse(((Reply)((InboundMessage.Received)message).Frame).Id);
    }

    [Fact]
    public async Task Closing_answers_every_waiting_read_and_every_later_read_with_offline_and_ends_the_outbound_chain()
    {
        var (socket, outbound) = Start();
        var waiting = socket.ReadAsync(Read("r1"), Patience, CancellationToken.None);
        await ReceiveAtUnitAsync();

        socket.Close();

        Assert.Equal(ReadFailure.UnitOffline, Assert.IsType<ReadReplies.Failed>(await waiting.WaitAsync(Patience)).Reason);
        var later = await socket.ReadAsync(Read("r2"), Patience, CancellationToken.None);
        Assert.Equal(ReadFailure.UnitOffline, Assert.IsType<ReadReplies.Failed>(later).Reason);
        Assert.False(socket.TrySend(new Ping(1)));
        await outbound.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_read_nobody_answers_returns_null_at_its_timeout_and_its_late_reply_goes_to_the_actor()
    {
        var (socket, _) = Start();
        var answer = await socket.ReadAsync(Read("r1"), TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.Null(answer);

        await ReceiveAtUnitAsync();
        await SendFromUnitAsync(new Reply("r1", ReplyStatus.Ok));
        var batch = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
        Assert.Equal("r1", Assert.IsType<Reply>(((InboundMessage.Received)Assert.Single(batch.Messages)).Frame).Id);
    }

    [Fact]
    public async Task A_read_from_another_node_is_answered_to_its_asker_and_forgotten_by_the_sweep_once_its_deadline_passed()
    {
        var (socket, _) = Start();
        var asker = CreateTestProbe();
        socket.TryStartRead(Read("remote-1"), asker.Ref);
        Assert.Equal("remote-1", Assert.IsType<Request>(await ReceiveAtUnitAsync()).Id);
        await SendFromUnitAsync(new Reply("remote-1", ReplyStatus.Ok));
        Assert.Equal("remote-1", asker.ExpectMsg<ReadReplies.Replied>(Patience).RequestId);

        socket.TryStartRead(Read("remote-2"), asker.Ref);
        Assert.Equal("remote-2", Assert.IsType<Request>(await ReceiveAtUnitAsync()).Id);
        socket.ForgetExpiredReads(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5)); // as the sweep does once the deadline passed
        await SendFromUnitAsync(new Reply("remote-2", ReplyStatus.Ok));
        // Nobody waits any more: the late reply goes to the actor, which ignores it.
        var batch = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
        Assert.Equal("remote-2", Assert.IsType<Reply>(((InboundMessage.Received)Assert.Single(batch.Messages)).Frame).Id);
        asker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task The_last_frame_time_is_news_once_per_frame()
    {
        var (socket, _) = Start();
        Assert.Null(socket.TakeLastFrameNews());
        var before = DateTimeOffset.UtcNow;
        await SendFromUnitAsync(new Ping(1));
        _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);

        Assert.True(socket.TakeLastFrameNews() >= before);
        Assert.Null(socket.TakeLastFrameNews());
    }

    [Fact]
    public async Task A_request_whose_deadline_passed_while_queued_is_not_sent()
    {
        var socket = new UnitSocket("unit-1", _gatewayEnd, new GatewayOptions());
        socket.OpenForReads(1);
        _ = socket.ReadAsync(Read("stale", deadlineIn: TimeSpan.FromMilliseconds(-1)), Patience, CancellationToken.None);
        Assert.True(socket.TrySend(new Ping(7)));
        _ = UnitSocketGraph.Run(socket, _actor.Ref, _materializer);

        Assert.Equal(7, Assert.IsType<Ping>(await ReceiveAtUnitAsync()).Nonce);
    }

    [Fact]
    public async Task A_frame_over_the_cap_is_rejected_once_and_the_actor_hears_completed_when_the_unit_closes()
    {
        var (socket, _) = Start(new GatewayOptions { MaxFrameBytes = 1024 });
        var waiting = socket.ReadAsync(Read("r1"), Patience, CancellationToken.None);

        await _unitEnd.SendAsync(new byte[2048], WebSocketMessageType.Text, true, CancellationToken.None);
        var batch = _actor.ExpectMsg<UnitSocketInbound.Batch>(Patience);
        var rejected = Assert.IsType<InboundMessage.Rejected>(Assert.Single(batch.Messages));
        Assert.Equal(ProtocolErrorCode.TooLarge, rejected.Error.Code);
        // Which read the broken frame answered cannot be told: every waiting read hears "broken contract".
        Assert.Equal(ReadFailure.UnitBrokeProtocol, Assert.IsType<ReadReplies.Failed>(await waiting.WaitAsync(Patience)).Reason);
        _actor.Reply(UnitSocketInbound.Ack.Instance);

        // What follows is drained, not decoded, until the close frame.
        await SendFromUnitAsync(new Ping(1));
        await _unitEnd.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        _actor.ExpectMsg<UnitSocketInbound.Completed>(Patience);
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
}
