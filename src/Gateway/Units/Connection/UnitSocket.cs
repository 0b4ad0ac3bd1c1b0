using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// The byte side of one unit connection, owned by its <see cref="UnitConnectionActor"/> and moved by its
/// <see cref="UnitSocketGraph"/> (ADR 22):
/// <list type="bullet">
/// <item>outbound: a bounded queue the graph drains into the socket one send at a time; a full queue
/// refuses (reads get "busy", control frames close the socket), it never drops;</item>
/// <item>inbound: each message read with a zero-byte wait first (an idle socket holds no buffer),
/// reassembled up to the frame cap and decoded; a reply completes its waiting read in the graph
/// (<see cref="TrySettle"/>), every other frame goes on to the actor.</item>
/// </list>
/// Reads from this node's HTTP handlers call <see cref="ReadAsync"/> directly; reads from other
/// nodes arrive through the session and the actor (<see cref="TryStartRead"/>).
/// </summary>
public sealed class UnitSocket
{
    private const int InitialBufferBytes = 4096;

    private readonly WebSocket _socket;
    private readonly int _maxFrameBytes;
    private readonly int _readCapacity;
    private readonly Channel<Frame> _outbound;
    private readonly ConcurrentDictionary<string, PendingRead> _pendingReads = new(StringComparer.Ordinal);

    public UnitSocket(string unitId, WebSocket socket, GatewayOptions options)
    {
        UnitId = unitId;
        _socket = socket;
        _maxFrameBytes = options.MaxFrameBytes;
        // Deliveries may be in the queue twice (a resend behind the first copy); reads get what is left.
        _readCapacity = Math.Max(options.OutboundQueueCapacity / 4,
            options.OutboundQueueCapacity - 2 * options.DeliveryWindow - 16);
        _outbound = Channel.CreateBounded<Frame>(new BoundedChannelOptions(options.OutboundQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we answer "busy", never drop
        });
    }

    public string UnitId { get; }

    /// <summary>Queues a frame; false when the queue is full or closed (the caller decides what that means).</summary>
    public bool TrySend(Frame frame) => _outbound.Writer.TryWrite(frame);

    // --- reads ---------------------------------------------------------------------------------

    /// <summary>
    /// A read from this node, without any actor in between: the answer (<see cref="ReadReplies.Replied"/>
    /// or <see cref="ReadReplies.Failed"/>), or null when the deadline passed or <paramref name="ct"/> fired.
    /// </summary>
    public async Task<object?> ReadAsync(UnitSessionCommands.RouteRead read, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (StartRead(read, new PendingRead(null, waiter, read.Deadline)) is { } refused) return refused;
        try
        {
            return await waiter.Task.WaitAsync(timeout, ct);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            return null;
        }
        finally
        {
            _pendingReads.TryRemove(read.RequestId, out _);
        }
    }

    /// <summary>A read that came through the session (possibly from another node): the answer goes to <paramref name="replyTo"/>.</summary>
    public void TryStartRead(UnitSessionCommands.RouteRead read, IActorRef replyTo)
    {
        if (StartRead(read, new PendingRead(replyTo, null, read.Deadline)) is { } refused) replyTo.Tell(refused);
    }

    private ReadReplies.Failed? StartRead(UnitSessionCommands.RouteRead read, PendingRead pending)
    {
        // Under the gate's lock: once LocalUnitSockets shut this socket (a newer epoch attached, the session lost, closing),
        // no request frame is queued on it any more; a read that got here through a stale lookup hears "offline".
        lock (_gate)
        {
            if (_attachedEpoch <= 0) return ReadReplies.Offline(read.RequestId);
            // Reads may not take the room kept for deliveries and control frames.
            if (_outbound.Reader.Count >= _readCapacity) return new ReadReplies.Failed(read.RequestId, ReadFailure.UnitBusy);
            if (!_pendingReads.TryAdd(read.RequestId, pending)) return new ReadReplies.Failed(read.RequestId, ReadFailure.UnitBusy);
            var frame = new Request(read.RequestId, read.Operation, read.PatientId, read.Deadline, null, read.CorrelationId, read.TraceParent);
            if (_outbound.Writer.TryWrite(frame)) return null;
            _pendingReads.TryRemove(read.RequestId, out _);
            return new ReadReplies.Failed(read.RequestId, ReadFailure.UnitBusy);
        }
    }

    private readonly Lock _gate = new();
    // The read gate (ADR 23): > 0 while the unit's session holds this connection as current at that epoch; 0 before the
    // first attach and while re-attaching; -1 once closing (for good). Only LocalUnitSockets opens and shuts it.
    private long _attachedEpoch;

    /// <summary>The epoch the session confirmed this socket at while it takes reads; 0 or less while it takes none.</summary>
    public long AttachedEpoch => Volatile.Read(ref _attachedEpoch);

    /// <summary>The session confirmed this connection at <paramref name="epoch"/>: reads may come (<see cref="LocalUnitSockets.Attach"/>).</summary>
    internal void OpenForReads(long epoch)
    {
        lock (_gate)
            if (_attachedEpoch >= 0) _attachedEpoch = epoch;
    }

    /// <summary>No more reads until the session confirms this connection again; reads already sent may still be answered.</summary>
    internal void ShutForReads()
    {
        lock (_gate)
            if (_attachedEpoch > 0) _attachedEpoch = 0;
    }

    /// <summary>The connection is closing: nothing more is sent but what is queued, and every waiting read hears "offline".</summary>
    public void Close()
    {
        lock (_gate) _attachedEpoch = -1;
        _outbound.Writer.TryComplete();
        FailPendingReads(ReadReplies.Offline);
    }

    private void FailPendingReads(Func<string, ReadReplies.Failed> answer)
    {
        foreach (var id in _pendingReads.Keys)
            if (_pendingReads.TryRemove(id, out var pending)) pending.Complete(answer(id));
    }

    /// <summary>Forgets reads routed through the session whose asker has given up (it answered 504 already).</summary>
    public void ForgetExpiredReads(DateTimeOffset now)
    {
        foreach (var (id, pending) in _pendingReads)
            if (pending.Waiter is null && pending.Deadline < now) _pendingReads.TryRemove(id, out _);
    }

    /// <summary>False when nobody waits for this reply: the actor judges it (late, or not allowed yet).</summary>
    private bool TryCompleteRead(Reply reply, byte[]? payloadUtf8)
    {
        if (!_pendingReads.TryRemove(reply.Id, out var pending)) return false;
        pending.Complete(new ReadReplies.Replied(reply.Id, reply.Status, payloadUtf8, reply.Error));
        return true;
    }

    // --- the stream's ends (UnitSocketGraph) ----------------------------------------------------

    /// <summary>The bounded outbound queue, read by the graph's send stage.</summary>
    internal ChannelReader<Frame> Outbound => _outbound.Reader;

    /// <summary>
    /// Sends one frame. A read whose asker already gave up (504) is not worth the unit's time: it is skipped.
    /// </summary>
    internal Task SendAsync(Frame frame) =>
        frame is Request request && request.Deadline <= DateTimeOffset.UtcNow
            ? Task.CompletedTask
            : _socket.SendAsync(FrameCodec.Encode(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>
    /// The next whole inbound message, decoded; null once the peer closed. After a bad frame (one
    /// <see cref="InboundMessage.Rejected"/>) the socket is only drained until the close frame, and null follows.
    /// </summary>
    internal async Task<InboundMessage?> ReceiveNextAsync()
    {
        if (_rejected)
        {
            await DrainUntilCloseAsync();
            return null;
        }
        var message = await ReceiveAsync();
        if (message is InboundMessage.Rejected) _rejected = true;
        else if (message is not null) Volatile.Write(ref _lastFrameTicks, DateTime.UtcNow.Ticks);
        return message;
    }

    private bool _rejected;
    private long _lastFrameTicks;
    private long _lastFrameReportedTicks;

    /// <summary>
    /// When the unit last sent a frame (its pings and replies included), if that is news since the last call:
    /// what the node-wide sweep reports to the session index for ops.
    /// </summary>
    public DateTimeOffset? TakeLastFrameNews()
    {
        var last = Volatile.Read(ref _lastFrameTicks);
        if (last <= _lastFrameReportedTicks) return null;
        _lastFrameReportedTicks = last;
        return new DateTimeOffset(last, TimeSpan.Zero);
    }

    /// <summary>
    /// True when the message was settled here: a reply that completed its waiting read. Everything else
    /// (false) goes on to the connection actor.
    /// </summary>
    internal bool TrySettle(InboundMessage message)
    {
        if (message is InboundMessage.Received { Frame: Reply reply } received) return TryCompleteRead(reply, received.ReplyPayloadUtf8);
        // An undecodable frame may be the reply a caller waits for; which one cannot be told. Every waiting
        // read is answered as a broken contract (502) rather than left to hear "offline" when the socket closes.
        if (message is InboundMessage.Rejected) FailPendingReads(id => new ReadReplies.Failed(id, ReadFailure.UnitBrokeProtocol));
        return false;
    }

    private async Task DrainUntilCloseAsync()
    {
        var scratch = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(scratch.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Reads one whole message; null when the peer closed.</summary>
    private async Task<InboundMessage?> ReceiveAsync()
    {
        // Wait for the next message without holding a buffer: what lets 20,000 idle units stay cheap.
        var probe = await _socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None);
        if (probe.MessageType == WebSocketMessageType.Close) return null;

        var pool = ArrayPool<byte>.Shared;
        var buffer = pool.Rent(InitialBufferBytes);
        var count = 0;
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    // Grow to at most one byte past the cap: enough to know the cap was exceeded.
                    var bigger = pool.Rent(Math.Min(buffer.Length * 2, _maxFrameBytes + 1));
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    pool.Return(buffer);
                    buffer = bigger;
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return null;
                count += result.Count;
                if (count > _maxFrameBytes)
                    return new InboundMessage.Rejected(new ProtocolError(ProtocolErrorCode.TooLarge,
                        $"frame exceeds the cap of {_maxFrameBytes} bytes"));
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Binary)
                    return new InboundMessage.Rejected(new ProtocolError(ProtocolErrorCode.MalformedJson,
                        "binary messages are not part of the protocol; send UTF-8 JSON text"));

                // A reply's payload is not parsed here: its bytes are copied once, checked and passed on by the read (ADR 23).
                var decoded = FrameCodec.DecodeWithRawReplyPayload(buffer.AsSpan(0, count), _maxFrameBytes, out var replyPayload);
                return decoded.Frame is not null
                    ? new InboundMessage.Received(decoded.Frame, replyPayload.IsEmpty ? null : replyPayload.ToArray())
                    : new InboundMessage.Rejected(decoded.Error!);
            }
        }
        finally
        {
            pool.Return(buffer);
        }
    }

    /// <summary>Whoever waits for one read: an HTTP handler on this node (<paramref name="Waiter"/>) or an asker behind the session.</summary>
    private sealed record PendingRead(IActorRef? ReplyTo, TaskCompletionSource<object>? Waiter, DateTimeOffset Deadline)
    {
        public void Complete(object answer)
        {
            if (Waiter is not null) Waiter.TrySetResult(answer);
            else ReplyTo!.Tell(answer);
        }
    }
}
