using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using HealthGateway.UnitNode.Storage;
using Microsoft.Extensions.Logging;

namespace HealthGateway.UnitNode.Connection;

/// <summary>
/// Sends the outbox to the gateway for one session: from the gateway's last durable seq on, in order, in
/// batches of at most <see cref="ProtocolConstants.MaxEventsPerFrame"/>, with a bounded number of unacknowledged
/// batches in flight. Wakes on new outbox rows and on acks; re-checks slowly as a safety net.
/// </summary>
internal sealed partial class OutboxPump(
    OutboxStore outbox,
    FrameWriter writer,
    int maxBatchesInFlight,
    TimeSpan recheckInterval,
    UnitIdentity unit,
    ILogger logger)
{
    private readonly WakeSignal _wake = new();
    private readonly Queue<long> _inFlight = new();
    private long _ackedByGateway;

    /// <summary>Called from the receive loop with the gateway's cumulative ack.</summary>
    public void OnAck(long upToSeq)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _ackedByGateway);
            if (upToSeq <= current) return;
        } while (Interlocked.CompareExchange(ref _ackedByGateway, upToSeq, current) != current);
        _wake.Notify();
    }

    public void OnOutboxAppended() => _wake.Notify();

    public async Task RunAsync(long gatewayLastEventSeq, CancellationToken cancellationToken)
    {
        // The gateway holds everything up to its last seq durably; anything it lacks is resent from there.
        var lastSent = gatewayLastEventSeq;
        var ackPersisted = gatewayLastEventSeq;
        Interlocked.Exchange(ref _ackedByGateway, gatewayLastEventSeq);
        // Before marking acked: after a restore, events written since reuse seqs the gateway already counts (protocol.md section 8).
        if (outbox.RenumberUnackedAbove(gatewayLastEventSeq) is var renumbered and > 0)
            LogRenumbered(logger, unit.UnitId, renumbered, gatewayLastEventSeq);
        outbox.MarkAcked(gatewayLastEventSeq);
        if (outbox.EnsureNextSeqAbove(gatewayLastEventSeq))
            LogSequenceRaised(logger, unit.UnitId, gatewayLastEventSeq);

        while (!cancellationToken.IsCancellationRequested)
        {
            var acked = Interlocked.Read(ref _ackedByGateway);
            if (acked > ackPersisted)
            {
                outbox.MarkAcked(acked);
                ackPersisted = acked;
                while (_inFlight.TryPeek(out var last) && last <= acked) _inFlight.Dequeue();
            }

            while (_inFlight.Count < maxBatchesInFlight)
            {
                var events = outbox.ReadAfter(lastSent, ProtocolConstants.MaxEventsPerFrame);
                if (events.Count == 0) break;
                var (frame, count) = EncodeBatch(events);
                await writer.EnqueueAsync(frame, cancellationToken);
                lastSent = events[count - 1].Seq;
                _inFlight.Enqueue(lastSent);
                LogBatchSent(logger, unit.UnitId, count, events[0].Seq, lastSent);
            }

            await _wake.WaitAsync(recheckInterval, cancellationToken);
        }
    }

    /// <summary>Halves the batch until it fits the gateway's frame cap (events are small; this is a safety net).</summary>
    private (byte[] Frame, int Count) EncodeBatch(IReadOnlyList<UnitEvent> events)
    {
        for (var count = events.Count; count >= 1; count /= 2)
        {
            var batch = count == events.Count ? events : events.Take(count).ToArray();
            if (writer.TryEncode(new EventBatch(batch)) is { } frame) return (frame, count);
        }
        throw new InvalidOperationException(
            $"outbox event {events[0].Seq} alone exceeds the gateway's frame cap of {writer.MaxOutboundFrameBytes} bytes");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Unit {UnitId}: sent {Count} events (seq {FirstSeq}..{LastSeq})")]
    private static partial void LogBatchSent(ILogger logger, string unitId, int count, long firstSeq, long lastSeq);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unit {UnitId}: the gateway already holds event seqs up to {GatewaySeq}, beyond this store's highest (was the unit database "
                  + "restored?); renumbered {Count} unacknowledged events after it so none is lost (the gateway may see an event it had before again)")]
    private static partial void LogRenumbered(ILogger logger, string unitId, int count, long gatewaySeq);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Unit {UnitId}: the gateway already holds event seqs up to {GatewaySeq}, beyond this store's outbox; "
                  + "new events continue after it (was the unit database restored?)")]
    private static partial void LogSequenceRaised(ILogger logger, string unitId, long gatewaySeq);
}
