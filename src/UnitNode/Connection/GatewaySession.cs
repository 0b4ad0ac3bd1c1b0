using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Handlers;
using HealthGateway.UnitNode.Options;
using HealthGateway.UnitNode.Storage;
using HealthGateway.UnitNode.Telemetry;
using HealthGateway.UnitNode.Writes;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// One connected socket, from Hello to close. Runs four loops: receive (dispatches frames), writer (the only
/// sender), deliveries (applies writes one at a time in seq order, then acks) and the outbox pump (after Welcome).
/// Requests run concurrently up to a limit. The first loop to finish or fail decides the <see cref="SessionEnd"/>.
/// </summary>
internal sealed partial class GatewaySession : IDisposable
{
    private const int DeliveryQueueCapacity = 64;
    private const int MaxOutcomesPerAck = 64;
    private const int MaxCloseDescriptionBytes = 123;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeadlineClockSkewAllowance = TimeSpan.FromSeconds(30);

    private readonly WebSocket _socket;
    private readonly GatewayOptions _options;
    private readonly UnitIdentity _unit;
    private readonly UnitStore _store;
    private readonly OutboxSignal _outboxSignal;
    private readonly OutboxStore _outbox;
    private readonly DeliveryApplier _applier;
    private readonly RequestDispatcher _dispatcher;
    private readonly GatewayConnectionStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly UnitNodeMetrics? _metrics;

    private readonly FrameReader _reader;
    private readonly FrameWriter _writer = new();
    private readonly OutboxPump _pump;
    private readonly Channel<Deliver> _deliveries = Channel.CreateBounded<Deliver>(
        new BoundedChannelOptions(DeliveryQueueCapacity) { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _requestSlots;
    private readonly TaskCompletionSource<Welcome> _welcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SessionEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Cancels the work around the socket (pump, deliveries, requests) without touching the socket itself.
    private readonly CancellationTokenSource _work = new();
    // Cancels socket I/O, which aborts the socket: only for a connection that is already lost or will not close.
    private readonly CancellationTokenSource _abort = new();
    // Written by the receive loop, read once it has ended.
    private TimeSpan? _retryAfter;

    public GatewaySession(WebSocket socket, GatewayOptions options, UnitIdentity unit, UnitStore store, OutboxStore outbox,
        OutboxSignal outboxSignal, DeliveryApplier applier, RequestDispatcher dispatcher, GatewayConnectionStatus status,
        TimeProvider time, ILogger logger, UnitNodeMetrics? metrics = null)
    {
        _metrics = metrics;
        _socket = socket;
        _options = options;
        _unit = unit;
        _store = store;
        _outboxSignal = outboxSignal;
        _outbox = outbox;
        _applier = applier;
        _dispatcher = dispatcher;
        _status = status;
        _time = time;
        _logger = logger;
        _reader = new FrameReader(socket, ProtocolConstants.DefaultMaxFrameBytes);
        _pump = new OutboxPump(outbox, _writer, options.MaxBatchesInFlight, options.OutboxRecheckInterval, unit, logger);
        _requestSlots = new SemaphoreSlim(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    }

    public async Task<SessionEnd> RunAsync(CancellationToken stopping)
    {
        // Read before any loop starts: if the store fails here, nothing is left running.
        var lastAppliedSeq = await _store.GetLastAppliedSeqAsync(CancellationToken.None);
        // Queued before the writer starts, so Hello is the first frame on the socket whatever arrives meanwhile.
        await _writer.EnqueueAsync(new Hello(ProtocolConstants.Version, _unit.UnitId, SoftwareVersion.Value, lastAppliedSeq), _work.Token);
        await using var stopRegistration = stopping.Register(() => End(SessionEnd.ShuttingDown));
        var writerTask = Guard("writer", () => _writer.RunAsync(_socket, _abort.Token));
        var receiveTask = Guard("receive", ReceiveLoopAsync);
        var deliveryTask = Guard("deliveries", () => DeliveryLoopAsync(_work.Token));
        var pumpTask = Task.CompletedTask;

        var welcomeTimeout = Task.Delay(_options.WelcomeTimeout, _time, _work.Token);
        var first = await Task.WhenAny(_welcome.Task, _ended.Task, welcomeTimeout);
        if (first == _welcome.Task)
        {
            var welcome = _welcome.Task.Result;
            if (welcome.MaxFrameBytes > 0)
                _writer.MaxOutboundFrameBytes = Math.Min(welcome.MaxFrameBytes, ProtocolConstants.DefaultMaxFrameBytes);
            _status.OnConnected(welcome.SessionEpoch, _time.GetUtcNow());
            LogWelcomed(_logger, _unit.UnitId, welcome.SessionEpoch, lastAppliedSeq, welcome.LastEventSeq);
            _outboxSignal.Appended += _pump.OnOutboxAppended;
            pumpTask = Guard("outbox", () => _pump.RunAsync(welcome.LastEventSeq, _work.Token));
        }
        else if (first == welcomeTimeout)
        {
            End(SessionEnd.ByUnit(CloseCodes.PolicyViolation, $"no welcome within {_options.WelcomeTimeout.TotalSeconds:0.###} s"));
        }

        var end = await _ended.Task;
        _outboxSignal.Appended -= _pump.OnOutboxAppended;
        await CloseAsync(end, writerTask, receiveTask, deliveryTask, pumpTask);
        return _retryAfter is { } hint ? end with { RetryAfter = hint } : end;
    }

    private async Task ReceiveLoopAsync()
    {
        while (true)
        {
            var message = await _reader.ReadAsync(_abort.Token);
            if (message.IsClose)
            {
                End(SessionEnd.ByGateway((int?)message.CloseStatus, message.CloseDescription));
                return;
            }
            // Closing: keep reading (and ignoring) until the gateway's close frame completes the handshake.
            if (_ended.Task.IsCompleted) continue;

            if (message.Error is { } error)
            {
                LogInvalidFrame(_logger, _unit.UnitId, error.WireCode, error.Message);
                // The gateway learns why from a frame it can parse (the close reason is for humans); it goes out before the close.
                _writer.TryEnqueue(new ErrorFrame(error.WireCode, error.Message));
                End(SessionEnd.ByUnit(error.CloseCode, $"{error.WireCode}: {error.Message}"));
                continue;
            }
            try
            {
                await HandleFrameAsync(message.Frame!);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && _work.IsCancellationRequested)
            {
                // The session is closing; the frame is dropped and will be redelivered or retried by the gateway.
            }
        }
    }

    private async Task HandleFrameAsync(Frame frame)
    {
        switch (frame)
        {
            case Welcome welcome:
                if (!_welcome.TrySetResult(welcome)) LogUnexpectedFrame(_logger, _unit.UnitId, "welcome");
                break;
            case Request request:
                var work = _work.Token;
                await _requestSlots.WaitAsync(work);
                _ = Task.Run(() => HandleRequestAsync(request, work));
                break;
            case Deliver delivery:
                await _deliveries.Writer.WriteAsync(delivery, _work.Token);
                break;
            case Ack ack:
                // Refusals first: once acked, the outbox may forget the events they are about.
                if (ack.Refused is { Count: > 0 } refused && _outbox.RecordRefusals(refused, _time.GetUtcNow()) > 0)
                    foreach (var r in refused) LogEventRefused(_logger, _unit.UnitId, r.Seq, r.EventId, r.Code, r.Reason);
                _pump.OnAck(ack.UpToSeq);
                break;
            case Ping ping:
                await _writer.EnqueueAsync(new Pong(ping.Nonce), _work.Token);
                break;
            case Pong:
                break;
            case ErrorFrame error:
                LogGatewayError(_logger, _unit.UnitId, error.Code, error.Message, error.CorrelationId);
                // A hint before a close (try_later, going_away): the least wait before this gateway is tried again.
                if (error.RetryAfterMs is > 0 and var ms) _retryAfter = TimeSpan.FromMilliseconds(ms);
                break;
            default:
                // hello, reply, event: frames only a unit sends.
                LogUnexpectedFrame(_logger, _unit.UnitId, frame.GetType().Name);
                await _writer.EnqueueAsync(new ErrorFrame("unexpected_frame",
                    $"a unit does not accept '{frame.GetType().Name}' frames"), _work.Token);
                break;
        }
    }

    private async Task HandleRequestAsync(Request request, CancellationToken cancellationToken)
    {
        // One id across gateway logs, unit logs and traces: the request's correlation id (the gateway's trace id).
        using var scope = CorrelationScope(_logger, request.CorrelationId);
        using var span = UnitNodeTracing.StartForFrame(UnitNodeTracing.RequestSpan, ActivityKind.Server, request.TraceParent, request.TraceState);
        span?.SetTag(UnitNodeTracing.UnitIdTag, _unit.UnitId);
        span?.SetTag(UnitNodeTracing.OperationTag, request.Operation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The deadline is on the gateway's clock; the allowance keeps a unit whose clock runs fast answering.
            if (_time.GetUtcNow() > request.Deadline + DeadlineClockSkewAllowance)
            {
                LogRequestPastDeadline(_logger, _unit.UnitId, request.Id, request.Operation);
                return;
            }
            var reply = await _dispatcher.DispatchAsync(request, cancellationToken);
            var status = StatusName(reply.Status);
            // An operation this unit does not know is one tag value, whatever the gateway sent.
            _metrics?.RequestHandled(reply.Status == ReplyStatus.Unsupported ? "other" : request.Operation, status, Stopwatch.GetElapsedTime(started));
            span?.SetTag(UnitNodeTracing.OutcomeTag, status);
            if (reply.Status == ReplyStatus.Error) span?.SetStatus(ActivityStatusCode.Error, reply.Error);
            var frame = _writer.TryEncode(reply)
                        ?? _writer.TryEncode(new Reply(request.Id, ReplyStatus.Error, Error: "the reply exceeds the frame size cap"))!;
            await _writer.EnqueueAsync(frame, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException && cancellationToken.IsCancellationRequested)
        {
            // Closing: nobody will read this reply.
        }
        catch (Exception e)
        {
            LogRequestFailed(_logger, e, _unit.UnitId, request.Id);
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    private async Task DeliveryLoopAsync(CancellationToken cancellationToken)
    {
        var outcomes = new List<DeliveryOutcome>();
        while (await _deliveries.Reader.WaitToReadAsync(cancellationToken))
        {
            outcomes.Clear();
            var upToSeq = 0L;
            // Deliveries queued together are applied one by one (each its own transaction) and acked together,
            // but at least every half second so a slow disk does not make the gateway resend the window.
            var batchStarted = Stopwatch.GetTimestamp();
            while (outcomes.Count < MaxOutcomesPerAck && Stopwatch.GetElapsedTime(batchStarted) < TimeSpan.FromMilliseconds(500)
                   && _deliveries.Reader.TryRead(out var delivery))
            {
                if (_applier.IsMissingPredecessor(delivery))
                {
                    LogDeliveryHeld(_logger, _unit.UnitId, delivery.Seq, delivery.PrevSeq ?? 0);
                    continue; // not applied, not acked: the gateway resends from the missing one
                }
                var application = ApplyTraced(delivery);
                outcomes.Add(application.Outcome);
                upToSeq = application.LastAppliedSeq;
            }
            if (outcomes.Count > 0) await _writer.EnqueueAsync(new Ack(upToSeq, outcomes.ToArray()), cancellationToken);
        }
    }

    /// <summary>Applies one delivery inside its span (child of the gateway's delivery span) and correlation scope.</summary>
    private DeliveryApplication ApplyTraced(Deliver delivery)
    {
        using var scope = CorrelationScope(_logger, delivery.CorrelationId);
        using var span = UnitNodeTracing.StartForFrame(UnitNodeTracing.DeliverySpan, ActivityKind.Consumer, delivery.TraceParent, delivery.TraceState);
        span?.SetTag(UnitNodeTracing.UnitIdTag, _unit.UnitId);
        span?.SetTag(UnitNodeTracing.OperationTag, delivery.Operation);
        span?.SetTag(UnitNodeTracing.SeqTag, delivery.Seq);
        var application = _applier.Apply(delivery);
        var outcome = application.Outcome.Status switch
        {
            OutcomeStatus.Applied => "applied",
            OutcomeStatus.Rejected => "rejected",
            _ => "expired",
        };
        _metrics?.DeliverySettled(outcome, application.WasDuplicate);
        span?.SetTag(UnitNodeTracing.OutcomeTag, outcome);
        LogApplication(delivery, application);
        return application;
    }

    private static string StatusName(ReplyStatus status) => status switch
    {
        ReplyStatus.Ok => "ok",
        ReplyStatus.NotFound => "not_found",
        ReplyStatus.Invalid => "invalid",
        ReplyStatus.Unsupported => "unsupported",
        _ => "error",
    };

    private static readonly Func<ILogger, string?, IDisposable?> CorrelationScope =
        LoggerMessage.DefineScope<string?>("CorrelationId:{CorrelationId}");

    private void LogApplication(Deliver delivery, DeliveryApplication application)
    {
        if (application.SkippedFromSeq is { } skipped)
            LogSeqGap(_logger, _unit.UnitId, skipped, delivery.Seq - 1, delivery.Seq);
        if (application.WasDuplicate)
            LogDuplicateDelivery(_logger, _unit.UnitId, delivery.MessageId, delivery.Seq, application.Outcome.Status);
        else
            LogDeliveryApplied(_logger, _unit.UnitId, delivery.MessageId, delivery.Operation, delivery.Seq,
                application.Outcome.Status, application.Outcome.Reason);
    }

    /// <summary>Runs a loop; its failure ends the session instead of going unobserved.</summary>
    private Task Guard(string loop, Func<Task> body) => Task.Run(async () =>
    {
        try
        {
            await body();
        }
        catch (OperationCanceledException) when (_work.IsCancellationRequested || _abort.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException) when (_work.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            End(SessionEnd.Lost(e));
        }
        catch (Exception e)
        {
            LogLoopFailed(_logger, e, _unit.UnitId, loop);
            End(SessionEnd.ByUnit(CloseCodes.InternalError, $"unit {loop} failure", e));
        }
    });

    private void End(SessionEnd end) => _ended.TrySetResult(end);

    /// <summary>Stops the work, flushes what is queued (acks matter most), then closes the socket politely if it still can.</summary>
    private async Task CloseAsync(SessionEnd end, Task writerTask, Task receiveTask, Task deliveryTask, Task pumpTask)
    {
        await _work.CancelAsync();
        _deliveries.Writer.TryComplete();
        await Task.WhenAll(deliveryTask, pumpTask);
        await DrainRequestsAsync();
        _writer.Complete();

        if (end.Kind == SessionEndKind.ConnectionLost)
        {
            await AbortAsync(writerTask, receiveTask);
            return;
        }
        if (!await Within(writerTask, CloseTimeout))
        {
            await AbortAsync(writerTask, receiveTask);
            return;
        }

        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            // Answer the gateway's close with its own code; otherwise send ours.
            var status = end.CloseStatus ?? CloseCodes.Normal;
            try
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync((WebSocketCloseStatus)status, Truncate(end.Description), timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                await AbortAsync(writerTask, receiveTask);
                return;
            }
        }
        // The receive loop ends when the gateway's close frame arrives, completing the handshake.
        if (!await Within(receiveTask, CloseTimeout)) await AbortAsync(writerTask, receiveTask);
    }

    /// <summary>Waits for running request handlers by taking every slot; they stop quickly once the work is cancelled.</summary>
    private async Task DrainRequestsAsync()
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            for (var i = 0; i < _options.MaxConcurrentRequests; i++) await _requestSlots.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            LogRequestsStillRunning(_logger, _unit.UnitId);
        }
    }

    private async Task AbortAsync(Task writerTask, Task receiveTask)
    {
        await _abort.CancelAsync();
        _socket.Abort();
        await Task.WhenAll(writerTask, receiveTask);
    }

    private static async Task<bool> Within(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>RFC 6455 limits a close reason to 123 UTF-8 bytes.</summary>
    private static string? Truncate(string? description)
    {
        if (description is null || Encoding.UTF8.GetByteCount(description) <= MaxCloseDescriptionBytes) return description;
        var length = Math.Min(description.Length, MaxCloseDescriptionBytes);
        while (Encoding.UTF8.GetByteCount(description.AsSpan(0, length)) > MaxCloseDescriptionBytes) length--;
        return description[..length];
    }

    public void Dispose()
    {
        _work.Dispose();
        _abort.Dispose();
        // _requestSlots is not disposed: a handler that outlived the drain may still release it, and without
        // AvailableWaitHandle a SemaphoreSlim holds nothing that needs disposing.
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: welcomed by the gateway (session epoch {Epoch}); resuming deliveries after seq {LastAppliedSeq}, events after seq {LastEventSeq}")]
    private static partial void LogWelcomed(ILogger logger, string unitId, long epoch, long lastAppliedSeq, long lastEventSeq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: invalid frame from the gateway ({Code}): {Reason}; closing")]
    private static partial void LogInvalidFrame(ILogger logger, string unitId, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: ignoring unexpected '{FrameType}' frame from the gateway")]
    private static partial void LogUnexpectedFrame(ILogger logger, string unitId, string frameType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: the gateway refused event {Seq} ({EventId}): {Code}, {Reason}; it had no effect")]
    private static partial void LogEventRefused(ILogger logger, string unitId, long seq, string eventId, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: gateway reported error {Code}: {Message} (correlation {CorrelationId})")]
    private static partial void LogGatewayError(ILogger logger, string unitId, string code, string message, string? correlationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unit {UnitId}: request {RequestId} ({Operation}) is past its deadline; not answering")]
    private static partial void LogRequestPastDeadline(ILogger logger, string unitId, string requestId, string operation);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: could not reply to request {RequestId}")]
    private static partial void LogRequestFailed(ILogger logger, Exception exception, string unitId, string requestId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: message {MessageId} ({Operation}, seq {Seq}) -> {Status} {Reason}")]
    private static partial void LogDeliveryApplied(ILogger logger, string unitId, string messageId, string operation, long seq,
        OutcomeStatus status, string? reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Unit {UnitId}: message {MessageId} (seq {Seq}) was already applied; resending its outcome {Status}")]
    private static partial void LogDuplicateDelivery(ILogger logger, string unitId, string messageId, long seq, OutcomeStatus status);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unit {UnitId}: delivery seqs {FirstMissing}..{LastMissing} never arrived before seq {Seq}; continuing in order")]
    private static partial void LogSeqGap(ILogger logger, string unitId, long firstMissing, long lastMissing, long seq);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unit {UnitId}: request handlers still running at session close; their replies are dropped")]
    private static partial void LogRequestsStillRunning(ILogger logger, string unitId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unit {UnitId}: the {Loop} loop failed; closing the session")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string unitId, string loop);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unit {UnitId}: delivery {Seq} follows {PrevSeq}, which was never applied; waiting for the gateway to resend")]
    private static partial void LogDeliveryHeld(ILogger logger, string unitId, long seq, long prevSeq);
}
