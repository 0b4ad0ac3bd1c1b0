using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using HealthGateway.Gateway.Sessions;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Frames;
using static HealthGateway.Gateway.Sessions.UnitSessionCommands;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Connections;

/// <summary>Everything a <see cref="UnitConnectionActor"/> needs; built by the socket endpoint.</summary>
public sealed record UnitConnectionSettings(
    string UnitId,
    WebSocket Socket,
    IActorRef SessionRegion,
    GatewayOptions Options,
    DateTimeOffset TokenExpiresAt,
    TaskCompletionSource Finished)
{
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Node-local owner of one unit WebSocket, through an Akka.Streams graph on each side:
/// inbound frames are pulled one at a time (backpressure reaches the unit over TCP); outbound
/// frames go through a bounded channel and are sent one at a time. It completes the handshake,
/// attaches to the unit's <see cref="UnitSessionActor"/> (possibly on another node), relays reads
/// and their replies, and closes the socket with a documented close code.
/// </summary>
public sealed class UnitConnectionActor : ReceiveActor, IWithTimers
{
    private readonly UnitConnectionSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Channel<Frame> _outbound;
    private readonly Dictionary<string, PendingRead> _pendingReads = new(StringComparer.Ordinal);

    // Unit change batches forwarded to the session but not yet acknowledged: resent after a re-attach.
    private readonly List<AcceptUnitChanges> _unacknowledgedChanges = [];

    private readonly int _readCapacity;
    private IActorRef? _session;
    private long _epoch;
    private Hello? _hello;
    private bool _inboundDone;
    private bool _closing;
    // Ops: when the unit last sent a protocol frame (its pings included), reported to the node's session index.
    private DateTimeOffset _lastFrameAt;
    private DateTimeOffset _lastFrameReported;

    public UnitConnectionActor(UnitConnectionSettings settings)
    {
        _settings = settings;
        // Deliveries may be in the queue twice (a resend behind the first copy); reads get what is left.
        _readCapacity = Math.Max(settings.Options.OutboundQueueCapacity / 4,
            settings.Options.OutboundQueueCapacity - 2 * settings.Options.DeliveryWindow - 16);
        _outbound = Channel.CreateBounded<Frame>(new BoundedChannelOptions(settings.Options.OutboundQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we answer "busy", never drop
        });
        AwaitingHello();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(UnitConnectionSettings settings) =>
        Akka.Actor.Props.Create(() => new UnitConnectionActor(settings));

    protected override void PreStart()
    {
        var materializer = Context.Materializer();
        var socket = _settings.Socket;

        ChannelSource.FromReader(_outbound.Reader)
            .SelectAsync(1, async frame =>
            {
                // A read whose asker already gave up (504) is not worth the unit's time.
                if (frame is Request request && request.Deadline <= DateTimeOffset.UtcNow) return Done.Instance;
                await socket.SendAsync(FrameCodec.Encode(frame), WebSocketMessageType.Text, true, CancellationToken.None);
                return Done.Instance;
            })
            .RunWith(Sink.Ignore<Done>(), materializer)
            .PipeTo(Self, success: () => OutboundCompleted.Instance, failure: ex => new OutboundFailed(ex));

        WebSocketFrameSource.Create(socket, _settings.Options.MaxFrameBytes)
            .RunWith(Sink.ActorRefWithAck<InboundMessage>(
                Self, StreamInit.Instance, StreamAck.Instance, InboundCompleted.Instance, ex => new InboundFailed(ex)), materializer);

        Timers.StartSingleTimer(HandshakeTimer, HandshakeTimedOut.Instance, _settings.Options.HandshakeTimeout);
        var untilExpiry = _settings.TokenExpiresAt - DateTimeOffset.UtcNow + _settings.ClockSkew;
        if (untilExpiry < TimeSpan.FromDays(365)) Timers.StartSingleTimer(TokenTimer, TokenExpired.Instance, untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero);
        Timers.StartPeriodicTimer(SweepTimer, SweepExpiredReads.Instance, TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        _outbound.Writer.TryComplete();
        if (_settings.Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) _settings.Socket.Abort();
        foreach (var (id, pending) in _pendingReads) pending.ReplyTo.Tell(new ReadReplies.Failed(id, ReadFailure.UnitOffline));
        _pendingReads.Clear();
        if (_session is not null) _settings.SessionRegion.Tell(new Detach(_settings.UnitId, Self));
        _settings.Finished.TrySetResult();
    }

    // --- states -------------------------------------------------------------------------------

    private void AwaitingHello()
    {
        CommonStreamHandling();
        Receive<InboundMessage.Received>(m =>
        {
            Sender.Tell(StreamAck.Instance);
            if (m.Frame is Hello hello) OnHello(hello);
            else BeginClose(CloseCodes.PolicyViolation, $"expected 'hello' first, got '{FrameName(m.Frame)}'");
        });
        Receive<HandshakeTimedOut>(_ => BeginClose(CloseCodes.HandshakeTimeout, "no hello within the handshake timeout"));
        Receive<UnitConnectionCommands.SendRead>(r => Sender.Tell(new ReadReplies.Failed(r.Read.RequestId, ReadFailure.UnitOffline)));
    }

    private void Attaching()
    {
        CommonStreamHandling();
        Receive<Attached>(OnAttached);
        Receive<InboundMessage.Received>(m =>
        {
            Sender.Tell(StreamAck.Instance);
            if (m.Frame is Ping ping) Send(new Pong(ping.Nonce));
            else if (m.Frame is Pong) { }
            else BeginClose(CloseCodes.PolicyViolation, $"'{FrameName(m.Frame)}' before 'welcome'");
        });
        Receive<AttachTimedOut>(_ => BeginClose(CloseCodes.SessionUnavailable, "session could not be attached in time; retry"));
        Receive<RetryAttach>(_ => SendAttach());
        Receive<UnitConnectionCommands.SendRead>(r => Sender.Tell(new ReadReplies.Failed(r.Read.RequestId, ReadFailure.UnitOffline)));
        Receive<Superseded>(_ => BeginClose(CloseCodes.Superseded, "superseded by a newer connection for this unit"));
    }

    private void Active()
    {
        CommonStreamHandling();
        Receive<InboundMessage.Received>(m =>
        {
            Sender.Tell(StreamAck.Instance);
            _lastFrameAt = DateTimeOffset.UtcNow;
            OnFrame(m.Frame);
        });
        Receive<UnitConnectionCommands.SendRead>(OnSendRead);
        Receive<Deliveries>(OnDeliveries);
        Receive<ChangesAcknowledged>(OnChangesAcknowledged);
        Receive<Superseded>(_ => BeginClose(CloseCodes.Superseded, "superseded by a newer connection for this unit"));
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_session)) return;
            // The session moved (hand-off, node loss) or stopped: attach again while the socket stays open
            // and traffic goes on. Replies need no session; changes and acks wait or are resent.
            _log.Info("unit {0}: session {1} terminated; re-attaching", _settings.UnitId, t.ActorRef.Path);
            _session = null;
            RequestAttach();
        });
        Receive<Attached>(OnAttached);
        Receive<AttachTimedOut>(_ => BeginClose(CloseCodes.SessionUnavailable, "session could not be attached in time; retry"));
        Receive<RetryAttach>(_ => { if (_session is null) SendAttach(); });
        Receive<SweepExpiredReads>(_ => SweepExpired());
    }

    private void Closing()
    {
        Receive<InboundMessage.Received>(_ => Sender.Tell(StreamAck.Instance));
        Receive<InboundMessage.Rejected>(_ => Sender.Tell(StreamAck.Instance));
        Receive<StreamInit>(_ => Sender.Tell(StreamAck.Instance));
        Receive<OutboundCompleted>(_ => SendCloseFrame());
        Receive<OutboundFailed>(_ => Context.Stop(Self));
        Receive<RetryAttach>(_ => { }); // a timer still in the mailbox; nothing to attach any more
        Receive<CloseSent>(_ => { if (_inboundDone) Context.Stop(Self); });
        Receive<InboundCompleted>(_ => { _inboundDone = true; if (_settings.Socket.State is WebSocketState.Closed) Context.Stop(Self); });
        Receive<InboundFailed>(_ => Context.Stop(Self));
        Receive<CloseTimedOut>(_ => Context.Stop(Self));
        Receive<UnitConnectionCommands.SendRead>(r => Sender.Tell(new ReadReplies.Failed(r.Read.RequestId, ReadFailure.UnitOffline)));
        ReceiveAny(_ => { });
    }

    private void CommonStreamHandling()
    {
        Receive<StreamInit>(_ => Sender.Tell(StreamAck.Instance));
        Receive<InboundMessage.Rejected>(m =>
        {
            Sender.Tell(StreamAck.Instance);
            _log.Warning("unit {0}: protocol error {1}: {2}", _settings.UnitId, m.Error.WireCode, m.Error.Message);
            BeginClose(m.Error.CloseCode, $"{m.Error.WireCode}: {m.Error.Message}");
        });
        Receive<InboundCompleted>(_ =>
        {
            _inboundDone = true;
            // The peer sent its close frame: finish the closing handshake with the same code.
            var status = _settings.Socket.CloseStatus is { } code ? (int)code : CloseCodes.Normal;
            BeginClose(status, "closed by unit");
        });
        Receive<InboundFailed>(f =>
        {
            _log.Info("unit {0}: socket failed ({1})", _settings.UnitId, f.Cause.GetBaseException().Message);
            Context.Stop(Self);
        });
        Receive<OutboundFailed>(f =>
        {
            _log.Info("unit {0}: send failed ({1})", _settings.UnitId, f.Cause.GetBaseException().Message);
            Context.Stop(Self);
        });
        Receive<UnitConnectionCommands.Close>(c => BeginClose(c.Code, c.Reason));
        Receive<TokenExpired>(_ => BeginClose(CloseCodes.TokenExpired, "token expired; reconnect with a fresh token"));
        Receive<SweepExpiredReads>(_ => { });
    }

    // --- handshake ----------------------------------------------------------------------------

    private void OnHello(Hello hello)
    {
        Timers.Cancel(HandshakeTimer);
        if (hello.ProtocolVersion != ProtocolConstants.Version)
        {
            BeginClose(CloseCodes.UnsupportedVersion, $"protocol version {hello.ProtocolVersion} is not supported; this gateway speaks {ProtocolConstants.Version}");
            return;
        }
        if (!string.Equals(hello.UnitId, _settings.UnitId, StringComparison.Ordinal))
        {
            _log.Warning("unit {0}: hello claims unit '{1}'; refused", _settings.UnitId, hello.UnitId);
            BeginClose(CloseCodes.UnitIdMismatch, "hello.unitId does not match the token's unit");
            return;
        }
        _hello = hello;
        RequestAttach();
        Become(Attaching);
    }

    private void RequestAttach()
    {
        SendAttach();
        Timers.StartSingleTimer(AttachTimer, AttachTimedOut.Instance, _settings.Options.AttachTimeout);
        // An attach sent towards a node that just died is lost; repeating it lets the session, restarted
        // elsewhere, answer within one interval instead of the unit being closed at the timeout.
        Timers.StartPeriodicTimer(AttachRetryTimer, RetryAttach.Instance, _settings.Options.AttachRetryInterval);
    }

    private void SendAttach() =>
        _settings.SessionRegion.Tell(new Attach(_settings.UnitId, Self, _hello!.Software, _hello.LastAppliedSeq, _epoch));

    private void OnAttached(Attached attached)
    {
        Timers.Cancel(AttachTimer);
        Timers.Cancel(AttachRetryTimer);
        var firstAttach = _session is null && _epoch == 0;
        _session = Sender;
        _epoch = attached.Epoch;
        Context.Watch(_session);
        if (firstAttach)
        {
            Send(new Welcome(attached.Epoch, attached.LastEventSeq,
                (int)_settings.Options.KeepAliveInterval.TotalSeconds, _settings.Options.MaxFrameBytes));
        }
        else
        {
            // Re-attached to a restarted session: hand it the changes the old one never acknowledged.
            for (var i = 0; i < _unacknowledgedChanges.Count; i++)
            {
                _unacknowledgedChanges[i] = _unacknowledgedChanges[i] with { Epoch = _epoch };
                _session.Tell(_unacknowledgedChanges[i]);
            }
        }
        Become(Active);
    }

    // --- traffic ------------------------------------------------------------------------------

    private void OnFrame(Frame frame)
    {
        switch (frame)
        {
            case Reply reply:
                if (_pendingReads.Remove(reply.Id, out var pending))
                    pending.ReplyTo.Tell(new ReadReplies.Replied(reply.Id, reply.Status, reply.Payload?.GetRawText(), reply.Error));
                break;
            case EventBatch batch:
                if (_unacknowledgedChanges.Count >= MaxUnacknowledgedBatches)
                {
                    BeginClose(CloseCodes.PolicyViolation, $"more than {MaxUnacknowledgedBatches} event batches unacknowledged");
                    break;
                }
                var now = DateTimeOffset.UtcNow;
                var accept = new AcceptUnitChanges(_settings.UnitId, _epoch, batch.Events.Select(e => UnitChange.From(e, now, _settings.ClockSkew)).ToList());
                _unacknowledgedChanges.Add(accept);
                _session?.Tell(accept); // without a session (re-attaching) it is sent once attached
                break;
            case Ping ping:
                Send(new Pong(ping.Nonce));
                break;
            case Pong:
                break;
            case Ack ack when _session is null:
                break; // re-attaching: the new session redelivers what is unsettled and the unit re-acks
            case Ack ack:
                _session.Tell(new DeliveriesAcknowledged(_settings.UnitId, _epoch, ack.UpToSeq,
                    (ack.Outcomes ?? []).Select(o => new Settlement(o.Seq, o.MessageId, ToStatus(o.Status), o.Result?.GetRawText(), o.Reason)).ToList()));
                break;
            case ErrorFrame error:
                _log.Warning("unit {0} reported error {1}: {2}", _settings.UnitId, error.Code, error.Message);
                break;
            default:
                BeginClose(CloseCodes.PolicyViolation, $"a unit may not send '{FrameName(frame)}'");
                break;
        }
    }

    private void OnSendRead(UnitConnectionCommands.SendRead command)
    {
        var read = command.Read;
        var frame = new Request(read.RequestId, read.Operation, read.PatientId, read.Deadline, null, read.CorrelationId, read.TraceParent);
        // Reads may not take the room kept for deliveries and control frames.
        if (_outbound.Reader.Count >= _readCapacity || !_outbound.Writer.TryWrite(frame))
        {
            Sender.Tell(new ReadReplies.Failed(read.RequestId, ReadFailure.UnitBusy));
            return;
        }
        _pendingReads[read.RequestId] = new PendingRead(Sender, read.Deadline);
    }

    private void OnDeliveries(Deliveries deliveries)
    {
        if (deliveries.Epoch != _epoch) return;
        foreach (var item in deliveries.Items)
        {
            using var payload = JsonDocument.Parse(item.PayloadJson);
            Send(new Deliver(item.Seq, item.MessageId, item.Operation, item.PatientId, item.ExpiresAt,
                payload.RootElement.Clone(), item.CorrelationId, item.PrevSeq, item.TraceParent));
        }
    }

    private static Sessions.OperationStatus ToStatus(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Applied => Sessions.OperationStatus.Applied,
        OutcomeStatus.Rejected => Sessions.OperationStatus.Rejected,
        _ => Sessions.OperationStatus.Expired,
    };

    private void OnChangesAcknowledged(ChangesAcknowledged ack)
    {
        _unacknowledgedChanges.RemoveAll(b => b.Changes.Count == 0 || b.Changes[^1].Seq <= ack.UpToSeq);
        Send(new Ack(ack.UpToSeq));
    }

    private void SweepExpired()
    {
        // The asker has its own timeout (504); this only forgets replies nobody waits for.
        var now = DateTimeOffset.UtcNow;
        List<string>? expired = null;
        foreach (var (id, pending) in _pendingReads)
            if (pending.Deadline < now) (expired ??= []).Add(id);
        expired?.ForEach(id => _pendingReads.Remove(id));
        if (_lastFrameAt > _lastFrameReported)
        {
            _lastFrameReported = _lastFrameAt;
            Ops.UnitSessionIndexActor.Local(Context).Tell(new Ops.UnitSessionIndexCommands.Seen(_settings.UnitId, _lastFrameAt));
        }
    }

    private void Send(Frame frame)
    {
        if (!_outbound.Writer.TryWrite(frame))
        {
            // Control frames must not be dropped: a unit this far behind is closed and reconnects.
            BeginClose(CloseCodes.PolicyViolation, "unit is not reading; outbound queue full");
        }
    }

    // --- closing ------------------------------------------------------------------------------

    private void BeginClose(int code, string reason)
    {
        if (_closing) return;
        _closing = true;
        _closeCode = code;
        _closeReason = Truncate(reason);
        _log.Info("unit {0}: closing with {1} ({2})", _settings.UnitId, code, _closeReason);
        foreach (var (id, pending) in _pendingReads) pending.ReplyTo.Tell(new ReadReplies.Failed(id, ReadFailure.UnitOffline));
        _pendingReads.Clear();
        if (_session is not null)
        {
            _settings.SessionRegion.Tell(new Detach(_settings.UnitId, Self));
            Context.Unwatch(_session);
            _session = null;
        }
        _outbound.Writer.TryComplete(); // frames already queued still go out, then the close frame
        Timers.StartSingleTimer(CloseTimer, CloseTimedOut.Instance, TimeSpan.FromSeconds(5));
        Become(Closing);
    }

    private int _closeCode;
    private string _closeReason = "";

    private void SendCloseFrame()
    {
        var socket = _settings.Socket;
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            Context.Stop(Self);
            return;
        }
        socket.CloseOutputAsync((WebSocketCloseStatus)_closeCode, _closeReason, CancellationToken.None)
            .PipeTo(Self, success: () => CloseSent.Instance, failure: _ => CloseTimedOut.Instance);
    }

    /// <summary>A close reason may hold at most 123 UTF-8 bytes (RFC 6455 5.5).</summary>
    private static string Truncate(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= 123) return reason;
        var chars = reason.AsSpan();
        while (Encoding.UTF8.GetByteCount(chars) > 120) chars = chars[..^1];
        return chars.ToString() + "...";
    }

    private static string FrameName(Frame frame) => frame.GetType().Name.ToLowerInvariant();

    private const string HandshakeTimer = "handshake";
    private const string AttachTimer = "attach";
    private const string AttachRetryTimer = "attach-retry";
    private const string SweepTimer = "sweep";
    private const string CloseTimer = "close";
    private const string TokenTimer = "token";

    /// <summary>Event batches a unit may have in flight; the protocol asks units for at most 4.</summary>
    private const int MaxUnacknowledgedBatches = 16;

    private sealed record PendingRead(IActorRef ReplyTo, DateTimeOffset Deadline);
    private sealed record StreamInit { public static readonly StreamInit Instance = new(); }
    private sealed record StreamAck { public static readonly StreamAck Instance = new(); }
    private sealed record InboundCompleted { public static readonly InboundCompleted Instance = new(); }
    private sealed record InboundFailed(Exception Cause);
    private sealed record OutboundCompleted { public static readonly OutboundCompleted Instance = new(); }
    private sealed record OutboundFailed(Exception Cause);
    private sealed record HandshakeTimedOut { public static readonly HandshakeTimedOut Instance = new(); }
    private sealed record AttachTimedOut { public static readonly AttachTimedOut Instance = new(); }
    private sealed record RetryAttach { public static readonly RetryAttach Instance = new(); }
    private sealed record SweepExpiredReads { public static readonly SweepExpiredReads Instance = new(); }
    private sealed record CloseSent { public static readonly CloseSent Instance = new(); }
    private sealed record CloseTimedOut { public static readonly CloseTimedOut Instance = new(); }
    private sealed record TokenExpired { public static readonly TokenExpired Instance = new(); }
}
