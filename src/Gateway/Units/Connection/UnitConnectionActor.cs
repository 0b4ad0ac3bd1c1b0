using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>Everything a <see cref="UnitConnectionActor"/> needs; built by the socket endpoint.</summary>
public sealed record UnitConnectionSettings(
    string UnitId,
    WebSocket Socket,
    IActorRef SessionRegion,
    GatewayOptions Options,
    DateTimeOffset TokenExpiresAt,
    TaskCompletionSource Finished,
    LocalUnitSockets LocalSockets)
{
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Node-local owner of one unit WebSocket. Its <see cref="UnitSocketGraph"/> moves the bytes (a bounded
/// outbound queue sent one frame at a time; inbound frames in acknowledged batches, whose backpressure
/// reaches the unit over TCP); this actor completes the handshake, attaches to the unit's <see cref="UnitSessionActor"/>
/// (possibly on another node), relays deliveries, acks and unit changes, and closes the socket with
/// a documented close code. Once attached, the socket is listed in <see cref="LocalUnitSockets"/> so
/// this node's reads reach the unit without an actor in between (ADR 10).
/// </summary>
public sealed class UnitConnectionActor : ReceiveActor, IWithTimers
{
    private readonly UnitConnectionSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly UnitSocket _socket;
    private readonly IMaterializer _materializer;
    // What a frame means depends on the state; set with each Become so a batch that spans a state change is read right.
    private Action<Frame> _onFrame;

    // Unit change batches forwarded to the session but not yet acknowledged: resent after a re-attach.
    private readonly List<AcceptUnitChanges> _unacknowledgedChanges = [];

    private IActorRef? _session;
    private long _epoch;
    private Hello? _hello;
    // The unit's lastAppliedSeq as of now (hello, raised by its acks): a re-attach after a session move reports this,
    // not the hello's, or the new session would take a unit that applied writes since for one restored from a backup.
    private long _unitAppliedUpTo;
    private bool _inboundDone;
    private bool _closing;

    public UnitConnectionActor(UnitConnectionSettings settings, IMaterializer materializer)
    {
        _settings = settings;
        _materializer = materializer;
        _socket = new UnitSocket(settings.UnitId, settings.Socket, settings.Options);
        _onFrame = OnFrameAwaitingHello;
        AwaitingHello();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(UnitConnectionSettings settings, IMaterializer materializer) =>
        Akka.Actor.Props.Create<UnitConnectionActor>(settings, materializer); // not the expression form: see UnitSessionActor.Props

    protected override void PreStart()
    {
        UnitSocketGraph.Run(_socket, Self, _materializer)
            .PipeTo(Self, success: _ => OutboundCompleted.Instance, failure: ex => new OutboundFailed(ex));

        Timers.StartSingleTimer(HandshakeTimer, HandshakeTimedOut.Instance, _settings.Options.HandshakeTimeout);
        var untilExpiry = _settings.TokenExpiresAt - DateTimeOffset.UtcNow + _settings.ClockSkew;
        if (untilExpiry < TimeSpan.FromDays(365)) Timers.StartSingleTimer(TokenTimer, TokenExpired.Instance, untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero);
    }

    protected override void PostStop()
    {
        _settings.LocalSockets.Detach(_socket);
        _socket.Close(); // the graph sends nothing more; aborting the socket ends its reading
        if (_settings.Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) _settings.Socket.Abort();
        if (_session is not null) _settings.SessionRegion.Tell(new Detach(_settings.UnitId, Self));
        _settings.Finished.TrySetResult();
    }

    // --- states -------------------------------------------------------------------------------

    private void AwaitingHello()
    {
        CommonSocketHandling();
        Receive<HandshakeTimedOut>(_ => BeginClose(CloseCodes.HandshakeTimeout, "no hello within the handshake timeout", ErrorCodes.HandshakeTimeout));
    }

    private void Attaching()
    {
        CommonSocketHandling();
        Receive<Attached>(OnAttached);
        Receive<AttachTimedOut>(_ => CloseSessionUnavailable());
        Receive<RetryAttach>(_ => SendAttach());
        Receive<Superseded>(_ => CloseSuperseded());
    }

    private void Active()
    {
        CommonSocketHandling();
        Receive<Deliveries>(OnDeliveries);
        Receive<ChangesAcknowledged>(OnChangesAcknowledged);
        Receive<Superseded>(_ => CloseSuperseded());
        Receive<Terminated>(t =>
        {
            if (!t.ActorRef.Equals(_session)) return;
            // The session moved (hand-off, node loss) or stopped: attach again while the socket stays open
            // and traffic goes on. Replies need no session; changes and acks wait or are resent.
            _log.Info("unit {0}: session {1} terminated; re-attaching", _settings.UnitId, t.ActorRef.Path);
            _session = null;
            // No session holds this connection now: no read is served until the next one confirms it.
            _settings.LocalSockets.Detach(_socket);
            RequestAttach();
        });
        Receive<Attached>(OnAttached);
        Receive<AttachTimedOut>(_ => CloseSessionUnavailable());
        Receive<RetryAttach>(_ => { if (_session is null) SendAttach(); });
    }

    private void Closing()
    {
        // The rest of what the unit sends is read and ignored until its close frame.
        Receive<UnitSocketInbound.Started>(_ => Sender.Tell(UnitSocketInbound.Ack.Instance));
        Receive<UnitSocketInbound.Batch>(_ => Sender.Tell(UnitSocketInbound.Ack.Instance));
        Receive<OutboundCompleted>(_ => SendCloseFrame());
        Receive<OutboundFailed>(_ => Context.Stop(Self));
        Receive<RetryAttach>(_ => { }); // a timer still in the mailbox; nothing to attach any more
        Receive<CloseSent>(_ => { if (_inboundDone) Context.Stop(Self); });
        Receive<UnitSocketInbound.Completed>(_ => { _inboundDone = true; if (_settings.Socket.State is WebSocketState.Closed) Context.Stop(Self); });
        Receive<UnitSocketInbound.Failed>(_ => Context.Stop(Self));
        Receive<CloseTimedOut>(_ => Context.Stop(Self));
        Receive<UnitConnectionCommands.SendRead>(OnSendRead);
        ReceiveAny(_ => { });
    }

    private void CommonSocketHandling()
    {
        // In every state: the socket's read gate answers (offline unless the session confirmed this connection, ADR 23).
        Receive<UnitConnectionCommands.SendRead>(OnSendRead);
        Receive<UnitSocketInbound.Started>(_ => Sender.Tell(UnitSocketInbound.Ack.Instance));
        Receive<UnitSocketInbound.Batch>(OnInbound);
        Receive<UnitSocketInbound.Completed>(_ =>
        {
            _inboundDone = true;
            // The peer sent its close frame: finish the closing handshake with the same code.
            var status = _settings.Socket.CloseStatus is { } code ? (int)code : CloseCodes.Normal;
            BeginClose(status, ClosedByUnit);
        });
        Receive<UnitSocketInbound.Failed>(f =>
        {
            _log.Info("unit {0}: socket failed ({1})", _settings.UnitId, f.Cause.GetBaseException().Message);
            Context.Stop(Self);
        });
        Receive<OutboundFailed>(f =>
        {
            _log.Info("unit {0}: send failed ({1})", _settings.UnitId, f.Cause.GetBaseException().Message);
            Context.Stop(Self);
        });
        Receive<UnitConnectionCommands.Close>(c => BeginClose(c.Code, c.Reason, ErrorCodeForClose(c.Code), retryAfterMs: c.RetryAfterMs));
        Receive<TokenExpired>(_ => BeginClose(CloseCodes.TokenExpired, "token expired; reconnect with a fresh token", ErrorCodes.TokenExpired));
    }

    // --- inbound -------------------------------------------------------------------------------

    /// <summary>Handles a batch in order, then lets the graph read on; once closing, the rest is ignored.</summary>
    private void OnInbound(UnitSocketInbound.Batch batch)
    {
        foreach (var message in batch.Messages)
        {
            if (_closing) break;
            if (message is InboundMessage.Received received) _onFrame(received.Frame);
            else OnRejected(((InboundMessage.Rejected)message).Error);
        }
        Sender.Tell(UnitSocketInbound.Ack.Instance);
    }

    private void OnRejected(Protocol.Codec.ProtocolError error)
    {
        _log.Warning("unit {0}: protocol error {1}: {2}", _settings.UnitId, error.WireCode, error.Message);
        BeginClose(error.CloseCode, $"{error.WireCode}: {error.Message}", error.WireCode, error.Message);
    }

    private void OnFrameAwaitingHello(Frame frame)
    {
        if (frame is Hello hello) OnHello(hello);
        else BeginClose(CloseCodes.PolicyViolation, $"expected 'hello' first, got '{FrameName(frame)}'", ErrorCodes.ProtocolViolation);
    }

    private void OnFrameAttaching(Frame frame)
    {
        if (frame is Ping ping) Send(new Pong(ping.Nonce));
        else if (frame is not Pong) BeginClose(CloseCodes.PolicyViolation, $"'{FrameName(frame)}' before 'welcome'", ErrorCodes.ProtocolViolation);
    }

    // --- handshake ----------------------------------------------------------------------------

    private void OnHello(Hello hello)
    {
        Timers.Cancel(HandshakeTimer);
        if (hello.ProtocolVersion != ProtocolConstants.Version)
        {
            BeginClose(CloseCodes.UnsupportedVersion, $"protocol version {hello.ProtocolVersion} is not supported; this gateway speaks {ProtocolConstants.Version}",
                ErrorCodes.UnsupportedVersion);
            return;
        }
        if (!string.Equals(hello.UnitId, _settings.UnitId, StringComparison.Ordinal))
        {
            _log.Warning("unit {0}: hello claims unit '{1}'; refused", _settings.UnitId, hello.UnitId);
            BeginClose(CloseCodes.UnitIdMismatch, "hello.unitId does not match the token's unit", ErrorCodes.UnitIdMismatch);
            return;
        }
        _hello = hello;
        _unitAppliedUpTo = hello.LastAppliedSeq;
        RequestAttach();
        _onFrame = OnFrameAttaching;
        Become(Attaching);
    }

    private void RequestAttach()
    {
        _attachGiveUpAt = DateTimeOffset.UtcNow + _settings.Options.AttachTimeout;
        SendAttach();
        Timers.StartSingleTimer(AttachTimer, AttachTimedOut.Instance, _settings.Options.AttachTimeout);
        // An attach sent towards a node that just died is lost; repeating it lets the session, restarted
        // elsewhere, answer within one interval instead of the unit being closed at the timeout.
        Timers.StartPeriodicTimer(AttachRetryTimer, RetryAttach.Instance, _settings.Options.AttachRetryInterval);
    }

    private void SendAttach() =>
        _settings.SessionRegion.Tell(new Attach(_settings.UnitId, Self, _hello!.Software, _unitAppliedUpTo, _epoch, _attachGiveUpAt));

    // When the pending attach times out: the session drops an attach it reaches only after that (no epoch for a closed socket).
    private DateTimeOffset _attachGiveUpAt;

    private void OnAttached(Attached attached)
    {
        Timers.Cancel(AttachTimer);
        Timers.Cancel(AttachRetryTimer);
        var firstAttach = _session is null && _epoch == 0;
        _session = Sender;
        _epoch = attached.Epoch;
        Context.Watch(_session);
        _settings.LocalSockets.Attach(_socket, attached.Epoch);
        if (firstAttach)
        {
            Send(new Welcome(attached.Epoch, attached.LastEventSeq,
                (int)_settings.Options.KeepAliveInterval.TotalSeconds, _settings.Options.MaxFrameBytes, MaxUnacknowledgedBatches));
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
        _onFrame = OnFrame;
        Become(Active);
    }

    // --- traffic ------------------------------------------------------------------------------

    private void OnFrame(Frame frame)
    {
        switch (frame)
        {
            case Reply:
                break; // its read is gone (answered 504 or failed); live replies never come this way
            case EventBatch batch:
                if (_unacknowledgedChanges.Count >= MaxUnacknowledgedBatches)
                {
                    BeginClose(CloseCodes.PolicyViolation, $"more than {MaxUnacknowledgedBatches} event batches unacknowledged", ErrorCodes.TooManyEventBatches);
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
                _unitAppliedUpTo = Math.Max(_unitAppliedUpTo, ack.UpToSeq);
                break; // re-attaching: the new session redelivers what is unsettled and the unit re-acks
            case Ack ack:
                _unitAppliedUpTo = Math.Max(_unitAppliedUpTo, ack.UpToSeq);
                _session.Tell(new DeliveriesAcknowledged(_settings.UnitId, _epoch, ack.UpToSeq,
                    (ack.Outcomes ?? []).Select(o => new Settlement(o.Seq, o.MessageId, ToStatus(o.Status), o.Result?.GetRawText(), o.Reason)).ToList()));
                break;
            case ErrorFrame error:
                _log.Warning("unit {0} reported error {1}: {2}", _settings.UnitId, error.Code, error.Message);
                break;
            default:
                BeginClose(CloseCodes.PolicyViolation, $"a unit may not send '{FrameName(frame)}'", ErrorCodes.ProtocolViolation);
                break;
        }
    }

    private void OnSendRead(UnitConnectionCommands.SendRead command) => _socket.TryStartRead(command.Read, Sender);

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

    private static Messages.OperationStatus ToStatus(OutcomeStatus status) => status switch
    {
        OutcomeStatus.Applied => Messages.OperationStatus.Applied,
        OutcomeStatus.Rejected => Messages.OperationStatus.Rejected,
        _ => Messages.OperationStatus.Expired,
    };

    private void OnChangesAcknowledged(ChangesAcknowledged ack)
    {
        _unacknowledgedChanges.RemoveAll(b => b.Changes.Count == 0 || b.Changes[^1].Seq <= ack.UpToSeq);
        Send(new Ack(ack.UpToSeq, Refused: ack.Refused?.Select(r => new EventRefusal(r.Seq, r.EventId, r.Code, r.Reason)).ToList()));
    }

    private void Send(Frame frame)
    {
        if (!_socket.TrySend(frame))
        {
            // Control frames must not be dropped: a unit this far behind is closed and reconnects.
            BeginClose(CloseCodes.PolicyViolation, "unit is not reading; outbound queue full");
        }
    }

    // --- closing ------------------------------------------------------------------------------

    private void CloseSuperseded()
    {
        // The session holds a newer connection: not one more read here (BeginClose would get to it too, but say it first).
        _settings.LocalSockets.Detach(_socket);
        BeginClose(CloseCodes.Superseded, "superseded by a newer connection for this unit", ErrorCodes.Superseded);
    }

    private void CloseSessionUnavailable() =>
        BeginClose(CloseCodes.SessionUnavailable, "session could not be attached in time; retry", ErrorCodes.SessionUnavailable);

    /// <summary>
    /// Closes are asked for by the session (1011) and by shutdown (1001, with the hint of when to come back:
    /// docs/protocol.md, section 12). Other codes asked for from outside need no explanation beyond the code.
    /// </summary>
    private static string? ErrorCodeForClose(int code) => code switch
    {
        CloseCodes.InternalError => ErrorCodes.InternalError,
        CloseCodes.GoingAway => ErrorCodes.GoingAway,
        CloseCodes.TryAgainLater => ErrorCodes.TryLater,
        _ => null,
    };

    /// <summary>
    /// Starts the closing handshake. With <paramref name="errorCode"/>, an <c>error</c> frame goes first
    /// (docs/protocol.md, section 12): the unit learns why from a frame it can parse, the close reason being
    /// for humans only. No room left in the queue (the unit does not read) means no error frame.
    /// </summary>
    private void BeginClose(int code, string reason, string? errorCode = null, string? errorMessage = null, int? retryAfterMs = null)
    {
        if (_closing) return;
        _closing = true;
        _closeCode = code;
        _closeReason = Truncate(reason);
        // A unit closing politely is no failure: its session logs the detach, one line per detach.
        if (code is CloseCodes.Normal or CloseCodes.GoingAway && reason == ClosedByUnit)
            _log.Debug("unit {0}: closing with {1} ({2})", _settings.UnitId, code, _closeReason);
        else
            _log.Info("unit {0}: closing with {1} ({2})", _settings.UnitId, code, _closeReason);
        if (errorCode is not null) _socket.TrySend(new ErrorFrame(errorCode, errorMessage ?? reason, RetryAfterMs: retryAfterMs));
        // Off the fast path and the gate shut first, then no more frames but those queued (the close frame follows them) and every waiting read hears "offline".
        _settings.LocalSockets.Detach(_socket);
        _socket.Close();
        if (_session is not null)
        {
            _settings.SessionRegion.Tell(new Detach(_settings.UnitId, Self));
            Context.Unwatch(_session);
            _session = null;
        }
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
    private const string ClosedByUnit = "closed by unit";
    private const string AttachTimer = "attach";
    private const string AttachRetryTimer = "attach-retry";
    private const string CloseTimer = "close";
    private const string TokenTimer = "token";

    /// <summary>Event batches a unit may have in flight (announced in welcome); the reference unit sends at most 4.</summary>
    private const int MaxUnacknowledgedBatches = ProtocolConstants.MaxUnacknowledgedEventBatches;

    private sealed record OutboundCompleted { public static readonly OutboundCompleted Instance = new(); }
    private sealed record OutboundFailed(Exception Cause);
    private sealed record HandshakeTimedOut { public static readonly HandshakeTimedOut Instance = new(); }
    private sealed record AttachTimedOut { public static readonly AttachTimedOut Instance = new(); }
    private sealed record RetryAttach { public static readonly RetryAttach Instance = new(); }
    private sealed record CloseSent { public static readonly CloseSent Instance = new(); }
    private sealed record CloseTimedOut { public static readonly CloseTimedOut Instance = new(); }
    private sealed record TokenExpired { public static readonly TokenExpired Instance = new(); }
}
