using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using HealthGateway.Gateway.Connections;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Telemetry;
using static HealthGateway.Gateway.Sessions.UnitSessionCommands;
using static HealthGateway.Gateway.Sessions.UnitSessionEvents;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Sessions;

/// <summary>
/// The one owner of a unit's session (sharded by unit id, persistent): which connection is
/// current, the epoch that orders connections, the durable backlog of writes for the unit, and
/// how far the unit's own changes have been accepted. The socket itself belongs to a node-local
/// <see cref="UnitConnectionActor"/>, which may live on another node.
/// </summary>
public sealed class UnitSessionActor : ReceivePersistentActor
{
    /// <summary>Snapshot (and delete older events) after this many journal writes.</summary>
    private const int SnapshotEvery = 200;

    /// <summary>
    /// An attach also snapshots when more events than this were written since the last snapshot: a session that
    /// rarely writes would otherwise never reach <see cref="SnapshotEvery"/>, and each restart (one attach event per
    /// unit) would make its recovery longer. Small, so a recovery reads at most a snapshot and a few events.
    /// </summary>
    public const int SnapshotOnAttachAfter = 3;

    // Sequence number of the newest snapshot (0: none): how many events a recovery would replay now.
    private long _snapshotSeq;

    private readonly string _unitId;
    private readonly UnitChangeIntake _intake;
    private readonly UnitSessionSettings _settings;
    private readonly UnitSessionState _state;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly GatewayMetrics? _metrics;
    private readonly SessionGaugeShare _gauges;

    private IActorRef? _connection;
    private string? _connectionSoftware;

    // Unit changes are applied one batch at a time, in arrival order.
    private readonly UnitChangeQueue _changes = new();

    // Decides new writes; holds those whose journal write is in flight (PersistAsync).
    private readonly WriteIntake _writes = new();
    private bool _stopping;
    // Decides attaches; holds those whose epoch is being stored (PersistAsync).
    private readonly AttachIntake _attaches = new();
    // Callers waiting for an operation to be durable or settled.
    private readonly WriteWaiters _waiters;
    // Deliveries on the current connection.
    private readonly DeliveryWindow _window;
    // Resends the window when the unit acknowledges nothing for a while (a lost delivery or ack).
    private ICancelable? _ackWatchdog;
    // Ops: keeps this node's session index current (throttled) and publishes connect/disconnect events.
    private readonly UnitSessionIndexReporter _opsIndex;
    private DateTimeOffset? _lastSeen;
    // Patients' live feeds (fire-and-forget notifications, sent only once the change is durable here).
    private readonly IActorRef _patientFeeds;
    private long _deliveryNotifiedUpTo;
    // Set at attach when the unit's delivery stream disagrees with ours: deliveries wait for an operator's resync.
    private DeliveryStreamMismatch? _deliveryMismatch;

    public UnitSessionActor(string unitId, UnitChangeIntake intake, UnitSessionSettings settings, GatewayMetrics? metrics = null,
        IActorRef? patientFeeds = null)
    {
        _patientFeeds = patientFeeds ?? ActorRefs.Nobody;
        _unitId = unitId;
        _metrics = metrics;
        _gauges = new SessionGaugeShare(metrics);
        _intake = intake;
        _settings = settings;
        _state = new UnitSessionState(settings.FinishedRetention);
        _window = new DeliveryWindow(settings.DeliveryWindow);
        _opsIndex = new UnitSessionIndexReporter(Context);
        var self = Self;
        _waiters = new WriteWaiters((wait, ended) => Context.System.Scheduler.ScheduleTellOnceCancelable(wait, self, ended, self));

        Recover<SnapshotOffer>(offer =>
        {
            _snapshotSeq = offer.Metadata.SequenceNr;
            _state.Apply((UnitSessionSnapshot)offer.Snapshot);
        });
        Recover<IUnitSessionEvent>(_state.Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            _writes.ContinueAfter(_state.LastWriteSeq);
            ReportMetrics();
            UpdatePassivation();
        });

        Command<Attach>(OnAttach);
        Command<Detach>(d => { if (d.Connection.Equals(_connection)) ConnectionGone("detached"); });
        Command<Terminated>(t => { if (t.ActorRef.Equals(_connection)) ConnectionGone("terminated"); });
        Command<RouteRead>(OnRouteRead);
        Command<EnqueueWrite>(OnEnqueueWrite);
        Command<GetOperation>(OnGetOperation);
        Command<DeliveriesAcknowledged>(OnDeliveriesAcknowledged);
        Command<WriteWaiters.WaitEnded>(ended =>
            // Still being stored: answered as soon as it is durable. Durable: answered now with where it stands.
            _waiters.Ended(ended, _writes.IsStoring(ended.OperationId) ? null : StateOf(ended.OperationId)));
        Command<CheckAckProgress>(_ => OnCheckAckProgress());
        Command<AcceptUnitChanges>(OnAcceptUnitChanges);
        Command<ChangesApplied>(OnChangesApplied);
        Command<ChangesFailed>(OnChangesFailed);
        Command<GetStatus>(_ => Sender.Tell(new SessionStatus(
            _unitId, _connection is not null, _state.Epoch, _state.LastEventSeq, _state.LastAttachedAt,
            _connectionSoftware ?? _state.Software, _connection?.Path.ToString(),
            ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString(),
            _state.BacklogCount, _state.LastWriteSeq)));
        Command<ResyncDeliveries>(OnResyncDeliveries);
        Command<UnitSessionIndexReporter.Flush>(_ => _opsIndex.Flushed(OpsReport()));
        Command<UnitSessionOpsQueries.GetReport>(_ => Sender.Tell(OpsReport()));
        Command<Stop>(_ =>
        {
            _stopping = true; // acks and unit changes that still arrive are resent to the next incarnation
            DeferAsync(Stop.Instance, _ => Context.Stop(Self));
        });
        Command<ReceiveTimeout>(_ =>
        {
            if (_connection is null && _waiters.Count == 0 && _writes.StoringCount == 0)
                Context.Parent.Tell(new Passivate(Stop.Instance));
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            _snapshotSeq = Math.Max(_snapshotSeq, s.Metadata.SequenceNr);
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SnapshotDue>(_ => OnSnapshotDue());
        Command<SaveSnapshotFailure>(f =>
        {
            // E.g. the database busy under a storm: try again shortly, or recoveries keep replaying what it would have cut.
            _log.Warning(f.Cause, "unit {0}: snapshot failed; retrying in {1}", _unitId, SnapshotRetryDelay);
            ScheduleSnapshotIn(SnapshotRetryDelay);
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "unit {0}: deleting old events failed", _unitId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => $"unit-session-{_unitId}";

    public static Props Props(string unitId, UnitChangeIntake intake, UnitSessionSettings settings, GatewayMetrics? metrics = null,
        IActorRef? patientFeeds = null) =>
        // By type and arguments: the expression form (() => new ...) compiles its arguments into dynamic methods on
        // every call, which was most of the CPU of an attach (docs/benchmarks.md, reconnect storm).
        Akka.Actor.Props.Create<UnitSessionActor>(unitId, intake, settings, metrics!, patientFeeds!);

    /// <summary>Without an audit trail (actor specs).</summary>
    public static Props Props(string unitId, PatientDirectory directory, UnitSessionSettings settings, GatewayMetrics? metrics = null,
        IActorRef? patientFeeds = null) =>
        Props(unitId, new UnitChangeIntake(directory, null), settings, metrics, patientFeeds);

    // --- connections ----------------------------------------------------------------------

    private void OnAttach(Attach attach)
    {
        switch (_attaches.Decide(attach, _connection, _state, DateTimeOffset.UtcNow))
        {
            case AttachDecision.Confirm:
                attach.Connection.Tell(new Attached(_unitId, _state.Epoch, _state.LastEventSeq));
                break;
            case AttachDecision.Ignore ignore:
                _log.Debug("unit {0}: attach of {1} ignored: {2}", _unitId, attach.Connection.Path, ignore.Why);
                break;
            case AttachDecision.Supersede supersede:
                attach.Connection.Tell(new Superseded(_unitId, supersede.ByEpoch));
                break;
            case AttachDecision.Store store:
                // The journal write does not stash the mailbox (PersistAsync): reads and writes keep flowing while the
                // epoch is stored, also when the journal is slow or down. "Attached" only once it is durable.
                PersistAsync(store.Event, e => OnAttachStored(attach, e));
                break;
        }
    }

    private void OnAttachStored(Attach attach, ConnectionAttached e)
    {
        if (!_attaches.Stored(attach.Connection, e.Epoch) && !attach.Connection.Equals(_connection))
        {
            // A later attach was decided while this one was being stored: it wins.
            _state.Apply(e);
            attach.Connection.Tell(new Superseded(_unitId, _attaches.LatestEpoch));
            return;
        }
        _state.Apply(e);
        if (_connection is not null && !_connection.Equals(attach.Connection))
        {
            _log.Info("unit {0}: connection {1} superseded by {2} (epoch {3})", _unitId, _connection.Path, attach.Connection.Path, e.Epoch);
            _connection.Tell(new Superseded(_unitId, e.Epoch));
            _opsIndex.Publish(OpsEventTypes.UnitSuperseded, _unitId, _connection, $"superseded by epoch {e.Epoch} on {_opsIndex.NodeOf(attach.Connection)}");
            Context.Unwatch(_connection);
        }
        _connection = attach.Connection;
        _connectionSoftware = attach.Software;
        _lastSeen = DateTimeOffset.UtcNow;
        _opsIndex.Publish(OpsEventTypes.UnitConnected, _unitId, _connection, $"epoch {e.Epoch}, software {attach.Software}");
        if (e.Epoch > 1) _metrics?.UnitReconnected();
        ReportMetrics();
        _changes.Clear(); // batches of the old connection are resent by the new one
        RestartDeliveries(); // everything unsettled is delivered again on the new connection
        Context.Watch(_connection);
        _connection.Tell(new Attached(_unitId, e.Epoch, _state.LastEventSeq));
        CheckDeliveryStream(attach.LastAppliedSeq);
        _log.Info("unit {0}: attached {1} epoch {2}; unit changes accepted up to {3}; {4} writes waiting",
            _unitId, _connection.Path, e.Epoch, _state.LastEventSeq, _state.BacklogCount);
        UpdatePassivation();
        if (LastSequenceNr - _snapshotSeq > SnapshotOnAttachAfter) ScheduleSnapshot();
        else MaybeSnapshot();
        DeliverMore();
        _opsIndex.ReportNow(OpsReport());
    }

    private void ConnectionGone(string why)
    {
        _log.Info("unit {0}: connection {1} {2}", _unitId, _connection?.Path, why);
        _lastSeen = DateTimeOffset.UtcNow;
        _opsIndex.Publish(OpsEventTypes.UnitDisconnected, _unitId, _connection, why);
        if (_connection is not null) Context.Unwatch(_connection);
        _connection = null;
        _connectionSoftware = null;
        _deliveryMismatch = null; // checked again against what the next connection reports
        _changes.Clear();
        RestartDeliveries();
        ReportMetrics();
        UpdatePassivation();
        _opsIndex.ReportNow(OpsReport());
    }

    // A stopped session holds no connection: the socket re-attaches wherever the session wakes next and reports from there.
    private UnitSessionReport OpsReport(bool awake = true) =>
        _opsIndex.Build(_unitId, _state, awake ? _connection : null, _connectionSoftware, _window.InFlight, _lastSeen, awake)
            with { DeliveryMismatch = awake ? _deliveryMismatch : null, LastResync = _state.LastRebase };

    protected override bool AroundReceive(Receive receive, object message)
    {
        if (_connection is not null && Sender.Equals(_connection)) _lastSeen = DateTimeOffset.UtcNow;
        var handled = base.AroundReceive(receive, message);
        // Any message may change what ops shows; the index hears of it at most once a second.
        if (message is not (UnitSessionIndexReporter.Flush or UnitSessionOpsQueries.GetReport)) _opsIndex.Changed();
        return handled;
    }

    private void OnRouteRead(RouteRead read)
    {
        // Past its deadline nobody waits for the answer (the asker already said 504): don't load the unit.
        if (read.Deadline <= DateTimeOffset.UtcNow) return;
        // The truth of where the unit is (ADR 23): no connection, offline; else its socket's read gate decides.
        if (_connection is null) Sender.Tell(ReadReplies.Offline(read.RequestId));
        else _connection.Forward(new UnitConnectionCommands.SendRead(read));
    }

    // --- durable writes -------------------------------------------------------------------

    private void OnEnqueueWrite(EnqueueWrite write)
    {
        switch (_writes.Decide(write, _state, _settings.MaxBacklog, DateTimeOffset.UtcNow))
        {
            case WriteDecision.Refuse refuse:
                Sender.Tell(new WriteRefused(write.OperationId, refuse.Reason, refuse.ExistingOperationId));
                break;
            case WriteDecision.JoinStoring join:
                AddWaiter(join.OperationId, Sender, write.Wait, durableYet: false);
                break;
            case WriteDecision.AnswerDurable durable:
                ReplyOrWait(durable.OperationId, Sender, write.Wait);
                break;
            case WriteDecision.Store store:
                AddWaiter(store.Write.OperationId, Sender, write.Wait, durableYet: false);
                // PersistAsync keeps reads flowing while the journal writes; the answer still waits for it.
                PersistAsync(new WriteEnqueued(store.Write), e =>
                {
                    _writes.Release(e.Write);
                    _state.Apply(e);
                    _metrics?.WritePersisted(e.Write.Operation);
                    ReportMetrics();
                    OnDurable(e.Write.OperationId);
                    NotifyPatient(e.Write.OperationId);
                    DeliverMore();
                    MaybeSnapshot();
                });
                break;
        }
    }

    private void OnGetOperation(GetOperation query)
    {
        var state = StateOf(query.OperationId);
        Sender.Tell(state is null ? new OperationUnknown(query.OperationId) : state);
    }

    private void OnDeliveriesAcknowledged(DeliveriesAcknowledged ack)
    {
        if (_stopping || ack.Epoch != _state.Epoch || !Sender.Equals(_connection)) return; // stale, or resent later

        // Only explicit outcomes settle a write. upToSeq alone says "processed", not how: a write it covers
        // without an outcome (e.g. a redelivery answered later in the same window) waits for its own.
        var settlements = new List<Settlement>();
        foreach (var outcome in ack.Outcomes)
        {
            if (_state.PendingAt(outcome.Seq) is not { } write || write.OperationId != outcome.OperationId) continue;
            if (!_window.BeginSettling(write.Seq)) continue; // already being settled
            settlements.Add(outcome);
        }
        if (settlements.Count == 0) return;

        PersistAsync(new WritesSettled(settlements, DateTimeOffset.UtcNow), e =>
        {
            _state.Apply(e);
            ReportMetrics();
            foreach (var s in e.Settlements)
            {
                _metrics?.WriteSettled(OutcomeName(s.Status));
                _window.Settled(s.Seq);
                if (_state.Finished(s.OperationId) is not null) ReplyToWaiters(s.OperationId, finalOnly: false);
                NotifyPatient(s.OperationId);
            }
            DeliverMore();
            MaybeSnapshot();
        });
    }

    /// <summary>Sends unsettled writes not sent on this connection yet, keeping at most a window of them unsettled.</summary>
    private void DeliverMore()
    {
        if (_connection is null || _deliveryMismatch is not null) return; // held until an operator resyncs
        var writes = _window.Next(_state);
        if (writes.Count == 0) return;
        var previous = _state.PreviousSeq(writes[0].Seq);
        var batch = new List<DeliveryItem>(writes.Count);
        foreach (var w in writes)
        {
            // The delivery joins the write's trace (its context was persisted with the write); the unit's span is its child.
            using var span = GatewayTracing.StartFromParent(GatewayTracing.DeliverSpan, ActivityKind.Producer, w.TraceParent);
            span?.SetTag(GatewayTracing.UnitIdTag, _unitId);
            span?.SetTag(GatewayTracing.OperationIdTag, w.OperationId);
            span?.SetTag(GatewayTracing.SeqTag, w.Seq);
            batch.Add(new DeliveryItem(w.Seq, w.OperationId, w.Operation, w.PatientId, w.ExpiresAt, w.PayloadJson, w.CorrelationId, previous,
                GatewayTracing.TraceParent(span) ?? w.TraceParent));
            previous = w.Seq;
        }
        _metrics?.WritesDelivered(batch.Count);
        _ackWatchdog ??= Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(
            _settings.AckTimeout, _settings.AckTimeout, Self, CheckAckProgress.Instance, Self);
        _connection.Tell(new Deliveries(_unitId, _state.Epoch, batch));
        foreach (var item in batch.Where(i => i.Seq > _deliveryNotifiedUpTo)) NotifyPatient(item.MessageId);
        _deliveryNotifiedUpTo = Math.Max(_deliveryNotifiedUpTo, _window.SentUpTo);
    }

    private void RestartDeliveries()
    {
        _window.Restart(_state.LastSettledSeq);
        _ackWatchdog?.Cancel();
        _ackWatchdog = null;
    }

    private void OnCheckAckProgress()
    {
        if (_connection is null || _window.InFlight == 0)
        {
            _ackWatchdog?.Cancel();
            _ackWatchdog = null;
            return;
        }
        var inFlight = _window.InFlight;
        if (_window.RestartIfStalled(_state.LastSettledSeq))
        {
            // Nothing settled for a whole ack timeout: resend the window; the unit dedupes by message id.
            _log.Info("unit {0}: no acknowledgement for {1}; resending {2} deliveries", _unitId, _settings.AckTimeout, inFlight);
            DeliverMore();
        }
    }

    /// <summary>Tells the patient's feed where an operation stands now (called once the state is durable).</summary>
    private void NotifyPatient(string operationId)
    {
        if (StateOf(operationId) is { } state) _patientFeeds.Tell(PatientNotifications.OperationStatus(state, DateTimeOffset.UtcNow));
    }

    private OperationState? StateOf(string operationId)
    {
        if (_state.Pending(operationId) is { } p)
            return new OperationState(p.OperationId, p.Operation, p.PatientId,
                _connection is not null && _window.WasSent(p.Seq) ? OperationStatus.Delivered : OperationStatus.Queued,
                p.EnqueuedAt, p.ExpiresAt, null, null, null, p.RequestedBy);
        if (_state.Finished(operationId) is { } f)
            return new OperationState(f.OperationId, f.Operation, f.PatientId, f.Status, f.EnqueuedAt, f.ExpiresAt,
                f.SettledAt, f.ResultJson, f.Reason, f.RequestedBy);
        return null;
    }

    // --- waiting callers ------------------------------------------------------------------

    private void AddWaiter(string operationId, IActorRef replyTo, TimeSpan wait, bool durableYet)
    {
        _waiters.Add(operationId, replyTo, wait);
        if (durableYet) ReplyToWaiters(operationId, finalOnly: true);
    }

    private void ReplyOrWait(string operationId, IActorRef replyTo, TimeSpan wait)
    {
        var state = StateOf(operationId)!;
        if (state.IsFinal || wait <= TimeSpan.Zero) replyTo.Tell(state);
        else AddWaiter(operationId, replyTo, wait, durableYet: true);
    }

    /// <summary>The write is durable: answer callers that did not ask to wait for the outcome.</summary>
    private void OnDurable(string operationId) => ReplyToWaiters(operationId, finalOnly: true);

    private void ReplyToWaiters(string operationId, bool finalOnly)
    {
        if (_waiters.AnyFor(operationId) && StateOf(operationId) is { } state) _waiters.Answer(operationId, state, finalOnly);
    }

    /// <summary>Where a write stands for a caller who can wait no longer: durable, or "not durable" (503, retry with the key).</summary>
    private object FinalAnswerFor(string operationId) =>
        _writes.IsStoring(operationId) || StateOf(operationId) is not { } state
            ? new WriteRefused(operationId, WriteRefusal.JournalUnavailable)
            : state;

    // --- unit changes -----------------------------------------------------------------------

    private void OnAcceptUnitChanges(AcceptUnitChanges batch)
    {
        if (_stopping || batch.Epoch != _state.Epoch || !Sender.Equals(_connection)) return; // stale, or resent later
        _changes.Enqueue(batch);
        ApplyNextChanges();
    }

    private void ApplyNextChanges()
    {
        while (_changes.Next(_state) is { } step)
        {
            switch (step)
            {
                case UnitChangeQueue.Step.Gap gap:
                    _log.Warning("unit {0}: unit changes jump from {1} to {2}; closing so the unit resends", _unitId, gap.AcceptedUpTo, gap.NextSeq);
                    _connection?.Tell(new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "unit changes out of sequence; reconnect and resend"));
                    return;
                case UnitChangeQueue.Step.AlreadyAccepted again:
                    _connection?.Tell(new ChangesAcknowledged(_unitId, _state.Epoch, _state.LastEventSeq, again.Refused.Count > 0 ? again.Refused : null));
                    break;
                case UnitChangeQueue.Step.Judge judge:
                    _intake.JudgeAsync(_unitId, judge.Unseen, CancellationToken.None).PipeTo(Self,
                        success: verdicts => new ChangesApplied(judge.Batch, verdicts),
                        failure: ex => new ChangesFailed(judge.Batch, ex));
                    return;
            }
        }
    }

    private void OnChangesApplied(ChangesApplied applied)
    {
        var upTo = applied.Verdicts[^1].Change.Seq;
        var refused = applied.Verdicts.Where(v => !v.Accepted)
            .Select(v => new RefusedChange(v.Change.Seq, v.Change.EventId, v.RefusalCode!, v.Reason ?? v.RefusalCode!)).ToList();
        // PersistAsync keeps reads flowing while the journal writes; the ack still waits for it.
        PersistAsync(new UnitChangesAccepted(upTo, applied.Verdicts.Count, DateTimeOffset.UtcNow, refused.Count > 0 ? refused : null), e =>
        {
            _state.Apply(e);
            _connection?.Tell(new ChangesAcknowledged(_unitId, _state.Epoch, _state.LastEventSeq, e.Refused));
            foreach (var verdict in applied.Verdicts)
            {
                // A refused change reaches no patient: a unit cannot push news into another unit's patient's stream.
                if (verdict.Accepted && PatientNotifications.UnitChange(verdict.Change) is { } publish) _patientFeeds.Tell(publish);
                PublishTenantEvent(verdict);
            }
            _changes.Done();
            MaybeSnapshot();
            ApplyNextChanges();
        });
    }

    /// <summary>Ops hear of every refused claim and every change of owner (the audit trail already holds them).</summary>
    private void PublishTenantEvent(UnitChangeVerdict verdict)
    {
        var change = verdict.Change;
        if (!verdict.Accepted)
        {
            _log.Warning("unit {0}: refused {1} seq {2} about patient {3} ({4}{5})", _unitId, change.Kind, change.Seq, change.PatientId,
                verdict.RefusalCode, verdict.HeldBy is { } held ? $", held by {held}" : "");
            _opsIndex.Publish(OpsEventTypes.PatientClaimRefused, _unitId, _connection,
                $"{change.Kind} seq {change.Seq} refused ({verdict.RefusalCode})" + (verdict.HeldBy is { } owner ? $": unit {_unitId} claimed a patient of unit {owner}" : ""));
        }
        else if (verdict.TransferredFrom is { } from)
            _opsIndex.Publish(OpsEventTypes.PatientTransferred, _unitId, _connection, $"took a patient over from {from} (released to {_unitId})");
        else if (verdict.TransferredTo is { } to)
            _opsIndex.Publish(OpsEventTypes.PatientTransferred, _unitId, _connection, $"released a patient to {to}, which had claimed them");
        else if (change.Kind == Protocol.UnitEventKinds.PatientReleased)
            _opsIndex.Publish(OpsEventTypes.PatientReleased, _unitId, _connection, $"released a patient: {change.PayloadJson}");
    }

    private void OnChangesFailed(ChangesFailed failed)
    {
        // Not acknowledged: the unit keeps the changes and resends them after its next reconnect.
        _log.Error(failed.Cause, "unit {0}: applying {1} unit changes failed; closing the connection so the unit resends", _unitId, failed.Batch.Changes.Count);
        _changes.Done();
        _changes.Clear();
        _connection?.Tell(new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "gateway could not store unit changes; reconnect"));
    }

    // --- housekeeping -----------------------------------------------------------------------

    private void MaybeSnapshot()
    {
        if (LastSequenceNr % SnapshotEvery == 0) SnapshotNow();
    }

    /// <summary>
    /// The attach snapshot, at a random point within <see cref="UnitSessionSettings.SnapshotDelay"/>: the units of a
    /// restarted node all attach together, and their snapshot writes are spread after the storm instead of in it.
    /// </summary>
    private void ScheduleSnapshot()
    {
        var max = _settings.SnapshotDelay ?? TimeSpan.Zero;
        if (max <= TimeSpan.Zero)
        {
            SnapshotNow();
            return;
        }
        ScheduleSnapshotIn(max * (0.5 + Random.Shared.NextDouble() / 2));
    }

    private static readonly TimeSpan SnapshotRetryDelay = TimeSpan.FromSeconds(2);

    private void ScheduleSnapshotIn(TimeSpan delay)
    {
        if (_snapshotTimer is not null) return;
        _snapshotTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, SnapshotDue.Instance, Self);
    }

    private void OnSnapshotDue()
    {
        _snapshotTimer = null;
        if (LastSequenceNr - _snapshotSeq > SnapshotOnAttachAfter) SnapshotNow();
    }

    private ICancelable? _snapshotTimer;
    private sealed record SnapshotDue { public static readonly SnapshotDue Instance = new(); }

    /// <summary>Saves a snapshot; once stored, older events and snapshots are deleted (journal per unit stays bounded).</summary>
    private void SnapshotNow()
    {
        // A big backlog makes a big snapshot; replaying its events on recovery is cheaper than writing it often.
        if (_state.BacklogCount <= 1_000) SaveSnapshot(_state.ToSnapshot());
    }

    /// <summary>Brings this session's share of the node's gauges up to date (backlog depth, connected).</summary>
    private void ReportMetrics(bool stopped = false) =>
        _gauges.Report(stopped ? 0 : _state.BacklogCount, !stopped && _connection is not null);

    private static string OutcomeName(OperationStatus status) => status switch
    {
        OperationStatus.Applied => "applied",
        OperationStatus.Rejected => "rejected",
        OperationStatus.Expired => "expired",
        _ => "other",
    };

    private void UpdatePassivation() =>
        Context.SetReceiveTimeout(_connection is null ? _settings.IdlePassivation : null);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this. Writes not yet confirmed are answered "not durable" (never a false 2xx);
        // callers of durable writes get their current state. The connection sees Terminated and attaches again.
        _log.Error(cause, "unit {0}: journal write failed for {1}", _unitId, @event.GetType().Name);
        _waiters.AnswerAll(FinalAnswerFor);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // A settlement the journal refused is not settled: free its seqs so the next ack can settle them.
        if (@event is WritesSettled settled)
            foreach (var s in settled.Settlements) _window.SettlingFailed(s.Seq);
        if (@event is WriteEnqueued e) _waiters.Refuse(e.Write.OperationId, new WriteRefused(e.Write.OperationId, WriteRefusal.JournalUnavailable));
        if (@event is WriteEnqueued rejected) _writes.Release(rejected.Write);
        if (@event is UnitChangesAccepted)
        {
            _changes.Done();
            _changes.Clear();
            _connection?.Tell(new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "gateway could not store unit changes; reconnect"));
        }
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    private sealed record CheckAckProgress { public static readonly CheckAckProgress Instance = new(); }

    protected override void PostStop()
    {
        _ackWatchdog?.Cancel();
        _snapshotTimer?.Cancel();
        ReportMetrics(stopped: true);
        // Callers still waiting (hand-off, passivation, restart) get where their write stands: durable ones
        // their state (202), ones whose journal write never confirmed "not durable" (503, retry with the key).
        _waiters.AnswerAll(FinalAnswerFor);
        _opsIndex.ReportNow(OpsReport(awake: false));
        base.PostStop();
    }
    private sealed record ChangesApplied(AcceptUnitChanges Batch, IReadOnlyList<UnitChangeVerdict> Verdicts);
    private sealed record ChangesFailed(AcceptUnitChanges Batch, Exception Cause);

    // --- delivery stream resync (a unit restored from a backup, or ahead of the gateway) -------

    /// <summary>
    /// At attach: a unit whose store lost settled writes would refuse every new delivery (its predecessor is missing);
    /// one ahead of the gateway would reject them as out_of_order. Either way deliveries are held, not sent to fail,
    /// and operators see it (ops API, <c>hgw units show</c>, dashboard) until they resync.
    /// </summary>
    private void CheckDeliveryStream(long unitLastAppliedSeq)
    {
        _deliveryMismatch = _state.CheckDeliveryStream(unitLastAppliedSeq, DateTimeOffset.UtcNow);
        if (_deliveryMismatch is not { } mismatch) return;
        _log.Error("unit {0}: delivery stream {1}; {2} writes held until an operator runs `hgw units resync {0}` (docs/operations.md)",
            _unitId, mismatch.Describe(), _state.BacklogCount);
        _opsIndex.Publish(OpsEventTypes.UnitDeliveryMismatch, _unitId, _connection, mismatch.Describe());
    }

    private void OnResyncDeliveries(ResyncDeliveries command)
    {
        if (_connection is null)
        {
            Sender.Tell(new ResyncRefused(_unitId, ResyncRefusal.NotConnected));
            return;
        }
        if (_deliveryMismatch is not { } mismatch)
        {
            Sender.Tell(new ResyncRefused(_unitId, ResyncRefusal.InStep));
            return;
        }
        if (mismatch.UnitLastAppliedSeq > ResyncDeliveries.MaxUnitSeq)
        {
            Sender.Tell(new ResyncRefused(_unitId, ResyncRefusal.SeqOutOfRange));
            return;
        }
        var replyTo = Sender;
        // Persist (not PersistAsync): new writes wait until the stream is rebased, so none gets a seq from the old base.
        // Writes already being stored are folded in before this event, so the rebase renumbers them too.
        Persist(new DeliveryStreamRebased(mismatch, DateTimeOffset.UtcNow, command.RequestedBy), e =>
        {
            var before = _state.BacklogBetween(long.MinValue, e.Mismatch.UnitLastAppliedSeq).Count();
            _state.Apply(e);
            _writes.ContinueAfter(_state.LastWriteSeq);
            _deliveryMismatch = null;
            RestartDeliveries();
            var resequenced = before > 0 ? _state.BacklogCount : 0;
            _log.Warning("unit {0}: delivery stream resynced by {1} ({2}); deliveries continue after seq {3}; {4} writes renumbered, {5} settled writes listed for re-entry",
                _unitId, e.By, e.Mismatch.Describe(), e.Mismatch.UnitLastAppliedSeq, resequenced, e.Mismatch.MissingOperationIds.Count);
            _opsIndex.Publish(OpsEventTypes.UnitResynced, _unitId, _connection,
                $"by {e.By}: {e.Mismatch.Describe()}; deliveries continue after seq {e.Mismatch.UnitLastAppliedSeq}");
            replyTo.Tell(new DeliveriesResynced(_unitId, e.Mismatch, resequenced, _state.BacklogCount, e.At, e.By));
            MaybeSnapshot();
            DeliverMore();
            _opsIndex.ReportNow(OpsReport());
        });
    }
}
