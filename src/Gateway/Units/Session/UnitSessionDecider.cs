using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Session.SessionEffect;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;
using static HealthGateway.Gateway.Units.Session.UnitSessionNotice;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Every decision of a unit's session, pure (ADR 27): <see cref="Decide"/> turns a command into effects (replies, events
/// to persist, timers, notices) and <see cref="Stored"/> says what follows once an event is durable; the durable part
/// is folded into <see cref="State"/>. No actor, no clock but the one passed in, no logging: the shell
/// (<see cref="UnitSessionActor"/>) performs the effects. Connections are actor refs only as values (compared, named).
/// </summary>
public sealed class UnitSessionDecider : IUnitSessionView
{
    /// <summary>Snapshot (and delete older events) after this many journal writes.</summary>
    public const int SnapshotEvery = 200;

    /// <summary>
    /// An attach also snapshots when more events than this were written since the last snapshot: a session that
    /// rarely writes would otherwise never reach <see cref="SnapshotEvery"/>, and each restart (one attach event per
    /// unit) would make its recovery longer. Small, so a recovery reads at most a snapshot and a few events.
    /// </summary>
    public const int SnapshotOnAttachAfter = 3;

    /// <summary>A bigger backlog makes a big snapshot; replaying its events on recovery is cheaper than writing it often.</summary>
    public const int MaxSnapshotBacklog = 1_000;

    public static readonly TimeSpan SnapshotRetryDelay = TimeSpan.FromSeconds(2);

    private readonly UnitSessionSettings _settings;
    // Decides new writes; holds those whose journal write is in flight.
    private readonly WriteIntake _writes = new();
    // Decides attaches; holds those whose epoch is being stored.
    private readonly AttachIntake _attaches = new();
    // Deliveries on the current connection.
    private readonly DeliveryWindow _window;
    // Unit changes are judged one batch at a time, in arrival order.
    private readonly UnitChangeQueue _changes = new();
    // Sequence number of the newest snapshot (0: none): how many events a recovery would replay now.
    private long _snapshotSeq;
    private bool _snapshotScheduled;
    private bool _ackWatchdog;
    private bool _stopping;
    private long _deliveryNotifiedUpTo;

    public UnitSessionDecider(string unitId, UnitSessionSettings settings, string sessionNode)
    {
        UnitId = unitId;
        SessionNode = sessionNode;
        _settings = settings;
        State = new UnitSessionState(settings.FinishedRetention);
        _window = new DeliveryWindow(settings.DeliveryWindow);
    }

    public string UnitId { get; }
    public string SessionNode { get; }
    public UnitSessionState State { get; }
    public IActorRef? Connection { get; private set; }
    public string? ConnectionSoftware { get; private set; }
    public int InFlight => _window.InFlight;
    public DateTimeOffset? LastSeen { get; private set; }
    public DeliveryStreamMismatch? DeliveryMismatch { get; private set; }

    /// <summary>Nothing holds the session awake (besides callers waiting, which the shell counts).</summary>
    public bool CanPassivate => Connection is null && _writes.StoringCount == 0;

    public bool IsStoring(string operationId) => _writes.IsStoring(operationId);

    // --- recovery ---------------------------------------------------------------------------

    public void RecoverSnapshot(UnitSessionSnapshot snapshot, long sequenceNr)
    {
        _snapshotSeq = sequenceNr;
        State.Apply(snapshot);
    }

    public void Recover(IUnitSessionEvent e) => State.Apply(e);

    public IReadOnlyList<SessionEffect> Recovered()
    {
        _writes.ContinueAfter(State.LastWriteSeq);
        return [new Notify(SessionRecovered.Instance), IdleTimeout()];
    }

    /// <summary>Any message: one from the current connection means the unit was seen now.</summary>
    public void Heard(IActorRef sender, DateTimeOffset now)
    {
        if (Connection is not null && sender.Equals(Connection)) LastSeen = now;
    }

    // --- commands ---------------------------------------------------------------------------

    /// <summary>What to do with one command from <paramref name="sender"/>; null for a message that is not the session's.</summary>
    public IReadOnlyList<SessionEffect>? Decide(object command, IActorRef sender, DateTimeOffset now)
    {
        var fx = new List<SessionEffect>(4);
        switch (command)
        {
            case Attach attach: DecideAttach(attach, now, fx); break;
            case Detach d when d.Connection.Equals(Connection): Gone("detached", now, fx); break;
            case Terminated t when t.ActorRef.Equals(Connection): Gone("terminated", now, fx); break;
            case Detach or Terminated: break; // not the current connection's
            case RouteRead read:
                // Past its deadline nobody waits for the answer (the asker already said 504): don't load the unit.
                if (read.Deadline <= now) break;
                // The truth of where the unit is (ADR 23): no connection, offline; else its socket's read gate decides.
                fx.Add(Connection is null
                    ? new Send(sender, ReadReplies.Offline(read.RequestId))
                    : new Send(Connection, new UnitConnectionCommands.SendRead(read), Forwarded: true));
                break;
            case EnqueueWrite write: DecideWrite(write, sender, now, fx); break;
            case GetOperation query:
                fx.Add(new Send(sender, StateOf(query.OperationId) ?? (object)new OperationUnknown(query.OperationId)));
                break;
            case DeliveriesAcknowledged ack: DecideAck(ack, sender, now, fx); break;
            case UnitSessionTimers.CheckAckProgress: CheckAckProgress(fx); break;
            case AcceptUnitChanges batch:
                if (_stopping || batch.Epoch != State.Epoch || !sender.Equals(Connection)) break; // stale, or resent later
                _changes.Enqueue(batch);
                JudgeNextChanges(fx);
                break;
            case UnitChangesJudged judged: StoreVerdicts(judged, now, fx); break;
            case UnitChangesNotJudged failed:
                // Not acknowledged: the unit keeps the changes and resends them after its next reconnect.
                _changes.Done();
                ChangesNotStored(failed.Batch.Changes.Count, failed.Cause, fx);
                break;
            case GetStatus:
                fx.Add(new Send(sender, new SessionStatus(UnitId, Connection is not null, State.Epoch, State.LastEventSeq, State.LastAttachedAt,
                    ConnectionSoftware ?? State.Software, Connection?.Path.ToString(), SessionNode, State.BacklogCount, State.LastWriteSeq)));
                break;
            case ResyncDeliveries resync: DecideResync(resync, sender, now, fx); break;
            case UnitSessionTimers.SnapshotDue:
                _snapshotScheduled = false;
                if (LastSeq - _snapshotSeq > SnapshotOnAttachAfter) SnapshotNow(fx);
                break;
            case Stop:
                _stopping = true; // acks and unit changes that still arrive are resent to the next incarnation
                fx.Add(StopWhenStored.Instance);
                break;
            default:
                return null;
        }
        return fx;
    }

    /// <summary>What follows once <paramref name="persisted"/>'s event is durable as journal entry <paramref name="sequenceNr"/>.</summary>
    public IReadOnlyList<SessionEffect> Stored(Persist persisted, long sequenceNr, DateTimeOffset now)
    {
        LastSeq = sequenceNr;
        var fx = new List<SessionEffect>(8);
        switch (persisted.Event)
        {
            case ConnectionAttached e: AttachStored((Attach)persisted.Cause!, e, now, fx); break;
            case WriteEnqueued e:
                _writes.Release(e.Write);
                State.Apply(e);
                var stored = StateOf(e.Write.OperationId)!;
                fx.Add(new AnswerWaiters(stored, FinalOnly: true));
                fx.Add(new Notify(new WriteStored(e.Write, stored)));
                DeliverMore(fx);
                MaybeSnapshot(fx);
                break;
            case WritesSettled e:
                State.Apply(e);
                var states = new List<OperationState>(e.Settlements.Count);
                foreach (var s in e.Settlements)
                {
                    _window.Settled(s.Seq);
                    if (StateOf(s.OperationId) is not { } settled) continue;
                    states.Add(settled);
                    if (State.Finished(s.OperationId) is not null) fx.Add(new AnswerWaiters(settled, FinalOnly: false));
                }
                fx.Add(new Notify(new SettlementsStored(e, states)));
                DeliverMore(fx);
                MaybeSnapshot(fx);
                break;
            case UnitChangesAccepted e:
                State.Apply(e);
                if (Connection is not null) fx.Add(new Send(Connection, new ChangesAcknowledged(UnitId, State.Epoch, State.LastEventSeq, e.Refused)));
                fx.Add(new Notify(new UnitChangesStored(((UnitChangesJudged)persisted.Cause!).Verdicts)));
                _changes.Done();
                MaybeSnapshot(fx);
                JudgeNextChanges(fx);
                break;
            case DeliveryStreamRebased e: ResyncStored(e, (IActorRef)persisted.Cause!, fx); break;
        }
        return fx;
    }

    /// <summary>The journal refused <paramref name="e"/> (it was not stored; the session keeps running).</summary>
    public IReadOnlyList<SessionEffect> Rejected(IUnitSessionEvent e)
    {
        var fx = new List<SessionEffect>(2);
        switch (e)
        {
            case WritesSettled settled:
                // Not settled: free the seqs so the next ack can settle them.
                foreach (var s in settled.Settlements) _window.SettlingFailed(s.Seq);
                break;
            case WriteEnqueued enqueued:
                fx.Add(new RefuseWaiters(enqueued.Write.OperationId, new WriteRefused(enqueued.Write.OperationId, WriteRefusal.JournalUnavailable)));
                _writes.Release(enqueued.Write);
                break;
            case UnitChangesAccepted:
                _changes.Done();
                ChangesNotStored(0, null, fx);
                break;
        }
        return fx;
    }

    /// <summary>A snapshot failed (e.g. the database busy under a storm): try again shortly.</summary>
    public IReadOnlyList<SessionEffect> SnapshotFailed() => ScheduleSnapshotIn(SnapshotRetryDelay, SnapshotRetryDelay);

    public void SnapshotStored(long sequenceNr) => _snapshotSeq = Math.Max(_snapshotSeq, sequenceNr);

    /// <summary>Where a write stands for a caller who can wait no longer: durable, or "not durable" (503, retry with the key).</summary>
    public object FinalAnswerFor(string operationId) =>
        _writes.IsStoring(operationId) || StateOf(operationId) is not { } state
            ? new WriteRefused(operationId, WriteRefusal.JournalUnavailable)
            : state;

    public OperationState? StateOf(string operationId)
    {
        if (State.Pending(operationId) is { } p)
            return new OperationState(p.OperationId, p.Operation, p.PatientId,
                Connection is not null && _window.WasSent(p.Seq) ? OperationStatus.Delivered : OperationStatus.Queued,
                p.EnqueuedAt, p.ExpiresAt, null, null, null, p.RequestedBy);
        if (State.Finished(operationId) is { } f)
            return new OperationState(f.OperationId, f.Operation, f.PatientId, f.Status, f.EnqueuedAt, f.ExpiresAt,
                f.SettledAt, f.ResultJson, f.Reason, f.RequestedBy);
        return null;
    }

    // The journal's sequence number as of the last stored event (drives the snapshot policy).
    private long LastSeq { get; set; }

    /// <summary>Recovery and the shell set this from the journal (events replayed, snapshots).</summary>
    public void JournalAt(long sequenceNr) => LastSeq = sequenceNr;

    // --- connections ------------------------------------------------------------------------

    private void DecideAttach(Attach attach, DateTimeOffset now, List<SessionEffect> fx)
    {
        switch (_attaches.Decide(attach, Connection, State, now))
        {
            case AttachDecision.Confirm:
                fx.Add(new Send(attach.Connection, new Attached(UnitId, State.Epoch, State.LastEventSeq)));
                break;
            case AttachDecision.Ignore ignore:
                fx.Add(new Notify(new AttachIgnored(attach.Connection, ignore.Why)));
                break;
            case AttachDecision.Supersede supersede:
                fx.Add(new Send(attach.Connection, new Superseded(UnitId, supersede.ByEpoch)));
                break;
            case AttachDecision.Store store:
                // Not blocking: reads and writes keep flowing while the epoch is stored, also when the journal is slow or
                // down. "Attached" only once it is durable.
                fx.Add(new Persist(store.Event, Cause: attach));
                break;
        }
    }

    private void AttachStored(Attach attach, ConnectionAttached e, DateTimeOffset now, List<SessionEffect> fx)
    {
        State.Apply(e);
        if (!_attaches.Stored(attach.Connection, e.Epoch) && !attach.Connection.Equals(Connection))
        {
            // A later attach was decided while this one was being stored: it wins.
            fx.Add(new Send(attach.Connection, new Superseded(UnitId, _attaches.LatestEpoch)));
            return;
        }
        var previous = Connection is not null && !Connection.Equals(attach.Connection) ? Connection : null;
        if (previous is not null)
        {
            fx.Add(new Send(previous, new Superseded(UnitId, e.Epoch)));
            fx.Add(new Unwatch(previous));
        }
        Connection = attach.Connection;
        ConnectionSoftware = attach.Software;
        LastSeen = now;
        fx.Add(new Notify(new ConnectionTookOver(Connection, e.Epoch, attach.Software, previous)));
        _changes.Clear(); // batches of the old connection are resent by the new one
        RestartDeliveries(fx); // everything unsettled is delivered again on the new connection
        fx.Add(new Watch(Connection));
        fx.Add(new Send(Connection, new Attached(UnitId, e.Epoch, State.LastEventSeq)));
        CheckDeliveryStream(attach.LastAppliedSeq, now, fx);
        fx.Add(IdleTimeout());
        if (LastSeq - _snapshotSeq > SnapshotOnAttachAfter) ScheduleAttachSnapshot(fx);
        else MaybeSnapshot(fx);
        DeliverMore(fx);
        fx.Add(new Notify(StatusChanged.Instance));
    }

    private void Gone(string why, DateTimeOffset now, List<SessionEffect> fx)
    {
        var connection = Connection!;
        LastSeen = now;
        fx.Add(new Notify(new ConnectionLost(connection, why)));
        fx.Add(new Unwatch(connection));
        Connection = null;
        ConnectionSoftware = null;
        DeliveryMismatch = null; // checked again against what the next connection reports
        _changes.Clear();
        RestartDeliveries(fx);
        fx.Add(IdleTimeout());
        fx.Add(new Notify(StatusChanged.Instance));
    }

    private SetIdleTimeout IdleTimeout() => new(Connection is null ? _settings.IdlePassivation : null);

    // --- durable writes ---------------------------------------------------------------------

    private void DecideWrite(EnqueueWrite write, IActorRef sender, DateTimeOffset now, List<SessionEffect> fx)
    {
        switch (_writes.Decide(write, State, _settings.MaxBacklog, now))
        {
            case WriteDecision.Refuse refuse:
                fx.Add(new Send(sender, new WriteRefused(write.OperationId, refuse.Reason, refuse.ExistingOperationId)));
                break;
            case WriteDecision.JoinStoring join:
                fx.Add(new AddWaiter(join.OperationId, sender, write.Wait));
                break;
            case WriteDecision.AnswerDurable durable:
                var state = StateOf(durable.OperationId)!;
                if (state.IsFinal || write.Wait <= TimeSpan.Zero) fx.Add(new Send(sender, state));
                else
                {
                    fx.Add(new AddWaiter(durable.OperationId, sender, write.Wait));
                    fx.Add(new AnswerWaiters(state, FinalOnly: true));
                }
                break;
            case WriteDecision.Store store:
                fx.Add(new AddWaiter(store.Write.OperationId, sender, write.Wait));
                // Not blocking: reads keep flowing while the journal writes; the answer still waits for it.
                fx.Add(new Persist(new WriteEnqueued(store.Write)));
                break;
        }
    }

    private void DecideAck(DeliveriesAcknowledged ack, IActorRef sender, DateTimeOffset now, List<SessionEffect> fx)
    {
        if (_stopping || ack.Epoch != State.Epoch || !sender.Equals(Connection)) return; // stale, or resent later

        // Only explicit outcomes settle a write. upToSeq alone says "processed", not how: a write it covers
        // without an outcome (e.g. a redelivery answered later in the same window) waits for its own.
        var settlements = new List<Settlement>();
        foreach (var outcome in ack.Outcomes)
        {
            if (State.PendingAt(outcome.Seq) is not { } write || write.OperationId != outcome.OperationId) continue;
            if (!_window.BeginSettling(write.Seq)) continue; // already being settled
            settlements.Add(outcome);
        }
        if (settlements.Count > 0) fx.Add(new Persist(new WritesSettled(settlements, now)));
    }

    /// <summary>Sends unsettled writes not sent on this connection yet, keeping at most a window of them unsettled.</summary>
    private void DeliverMore(List<SessionEffect> fx)
    {
        if (Connection is null || DeliveryMismatch is not null) return; // held until an operator resyncs
        var writes = _window.Next(State);
        if (writes.Count == 0) return;
        var previous = State.PreviousSeq(writes[0].Seq);
        var batch = new List<DeliveryItem>(writes.Count);
        var first = new List<OperationState>();
        foreach (var w in writes)
        {
            batch.Add(new DeliveryItem(w.Seq, w.OperationId, w.Operation, w.PatientId, w.ExpiresAt, w.PayloadJson, w.CorrelationId, previous, w.TraceParent));
            previous = w.Seq;
        }
        if (!_ackWatchdog)
        {
            _ackWatchdog = true;
            fx.Add(StartAckWatchdog.Instance);
        }
        fx.Add(new Deliver(Connection, new Deliveries(UnitId, State.Epoch, batch)));
        foreach (var item in batch)
            if (item.Seq > _deliveryNotifiedUpTo && StateOf(item.MessageId) is { } delivered) first.Add(delivered);
        _deliveryNotifiedUpTo = Math.Max(_deliveryNotifiedUpTo, _window.SentUpTo);
        fx.Add(new Notify(new DeliveriesSent(batch.Count, first)));
    }

    private void RestartDeliveries(List<SessionEffect> fx)
    {
        _window.Restart(State.LastSettledSeq);
        StopWatchdog(fx);
    }

    private void StopWatchdog(List<SessionEffect> fx)
    {
        if (!_ackWatchdog) return;
        _ackWatchdog = false;
        fx.Add(SessionEffect.StopAckWatchdog.Instance);
    }

    private void CheckAckProgress(List<SessionEffect> fx)
    {
        if (Connection is null || _window.InFlight == 0)
        {
            StopWatchdog(fx);
            return;
        }
        var inFlight = _window.InFlight;
        if (!_window.RestartIfStalled(State.LastSettledSeq)) return;
        // Nothing settled for a whole ack timeout: resend the window; the unit dedupes by message id.
        fx.Add(new Notify(new DeliveriesResent(inFlight, _settings.AckTimeout)));
        DeliverMore(fx);
    }

    // --- unit changes -----------------------------------------------------------------------

    private void JudgeNextChanges(List<SessionEffect> fx)
    {
        while (_changes.Next(State) is { } step)
        {
            switch (step)
            {
                case UnitChangeQueue.Step.Gap gap:
                    fx.Add(new Notify(new UnitChangesOutOfSequence(gap.AcceptedUpTo, gap.NextSeq)));
                    if (Connection is not null)
                        fx.Add(new Send(Connection, new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "unit changes out of sequence; reconnect and resend")));
                    return;
                case UnitChangeQueue.Step.AlreadyAccepted again:
                    if (Connection is not null)
                        fx.Add(new Send(Connection, new ChangesAcknowledged(UnitId, State.Epoch, State.LastEventSeq, again.Refused.Count > 0 ? again.Refused : null)));
                    break;
                case UnitChangeQueue.Step.Judge judge:
                    fx.Add(new Judge(judge.Batch, judge.Unseen));
                    return;
            }
        }
    }

    private static void StoreVerdicts(UnitChangesJudged judged, DateTimeOffset now, List<SessionEffect> fx)
    {
        var upTo = judged.Verdicts[^1].Change.Seq;
        var refused = judged.Verdicts.Where(v => !v.Accepted)
            .Select(v => new RefusedChange(v.Change.Seq, v.Change.EventId, v.RefusalCode!, v.Reason ?? v.RefusalCode!)).ToList();
        // Not blocking: reads keep flowing while the journal writes; the ack still waits for it.
        fx.Add(new Persist(new UnitChangesAccepted(upTo, judged.Verdicts.Count, now, refused.Count > 0 ? refused : null), Cause: judged));
    }

    private void ChangesNotStored(int count, Exception? cause, List<SessionEffect> fx)
    {
        _changes.Clear();
        fx.Add(new Notify(new UnitChangesNotStored(count, cause)));
        if (Connection is not null)
            fx.Add(new Send(Connection, new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "gateway could not store unit changes; reconnect")));
    }

    // --- snapshots --------------------------------------------------------------------------

    private void MaybeSnapshot(List<SessionEffect> fx)
    {
        if (LastSeq % SnapshotEvery == 0) SnapshotNow(fx);
    }

    /// <summary>
    /// The attach snapshot, at a random point within <see cref="UnitSessionSettings.SnapshotDelay"/>: the units of a
    /// restarted node all attach together, and their snapshot writes are spread after the storm instead of in it.
    /// </summary>
    private void ScheduleAttachSnapshot(List<SessionEffect> fx)
    {
        var max = _settings.SnapshotDelay ?? TimeSpan.Zero;
        if (max <= TimeSpan.Zero) SnapshotNow(fx);
        else fx.AddRange(ScheduleSnapshotIn(max / 2, max));
    }

    private IReadOnlyList<SessionEffect> ScheduleSnapshotIn(TimeSpan earliest, TimeSpan latest)
    {
        if (_snapshotScheduled) return [];
        _snapshotScheduled = true;
        return [new ScheduleSnapshot(earliest, latest)];
    }

    private void SnapshotNow(List<SessionEffect> fx)
    {
        if (State.BacklogCount <= MaxSnapshotBacklog) fx.Add(new SaveSnapshot(State.ToSnapshot()));
    }

    // --- delivery stream resync (a unit restored from a backup, or ahead of the gateway) ------

    /// <summary>
    /// At attach: a unit whose store lost settled writes would refuse every new delivery (its predecessor is missing);
    /// one ahead of the gateway would reject them as out_of_order. Either way deliveries are held, not sent to fail,
    /// and operators see it (ops API, <c>hgw units show</c>, dashboard) until they resync.
    /// </summary>
    private void CheckDeliveryStream(long unitLastAppliedSeq, DateTimeOffset now, List<SessionEffect> fx)
    {
        DeliveryMismatch = State.CheckDeliveryStream(unitLastAppliedSeq, now);
        if (DeliveryMismatch is { } mismatch) fx.Add(new Notify(new DeliveryMismatchFound(mismatch)));
    }

    private void DecideResync(ResyncDeliveries command, IActorRef sender, DateTimeOffset now, List<SessionEffect> fx)
    {
        var refusal = Connection is null ? ResyncRefusal.NotConnected
            : DeliveryMismatch is null ? ResyncRefusal.InStep
            : DeliveryMismatch.UnitLastAppliedSeq > ResyncDeliveries.MaxUnitSeq ? ResyncRefusal.SeqOutOfRange
            : (ResyncRefusal?)null;
        if (refusal is { } refused)
        {
            fx.Add(new Send(sender, new ResyncRefused(UnitId, refused)));
            return;
        }
        // Blocking: new writes wait until the stream is rebased, so none gets a seq from the old base. Writes already
        // being stored are folded in before this event, so the rebase renumbers them too.
        fx.Add(new Persist(new DeliveryStreamRebased(DeliveryMismatch!, now, command.RequestedBy), Blocking: true, Cause: sender));
    }

    private void ResyncStored(DeliveryStreamRebased e, IActorRef replyTo, List<SessionEffect> fx)
    {
        var before = State.BacklogBetween(long.MinValue, e.Mismatch.UnitLastAppliedSeq).Count();
        State.Apply(e);
        _writes.ContinueAfter(State.LastWriteSeq);
        DeliveryMismatch = null;
        RestartDeliveries(fx);
        var resequenced = before > 0 ? State.BacklogCount : 0;
        fx.Add(new Notify(new DeliveryStreamResynced(e, resequenced)));
        fx.Add(new Send(replyTo, new DeliveriesResynced(UnitId, e.Mismatch, resequenced, State.BacklogCount, e.At, e.By)));
        MaybeSnapshot(fx);
        DeliverMore(fx);
        fx.Add(new Notify(StatusChanged.Instance));
    }
}
