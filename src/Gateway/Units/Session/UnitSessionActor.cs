using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using static HealthGateway.Gateway.Units.Session.SessionEffect;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// The one owner of a unit's session (sharded by unit id, persistent): which connection is current, the epoch that
/// orders connections, the durable backlog of writes for the unit, and how far the unit's own changes have been
/// accepted. A thin shell (ADR 27): <see cref="UnitSessionDecider"/> decides; this persists what it decided, performs
/// its effects and tells the observers (ops, push, metrics, logs). The socket itself belongs to a node-local
/// <see cref="Connection.UnitConnectionActor"/>, which may live on another node.
/// </summary>
public sealed class UnitSessionActor : ReceivePersistentActor
{
    /// <inheritdoc cref="UnitSessionDecider.SnapshotOnAttachAfter"/>
    public const int SnapshotOnAttachAfter = UnitSessionDecider.SnapshotOnAttachAfter;

    private readonly string _unitId;
    private readonly IUnitChangeJudge _judge;
    private readonly UnitSessionSettings _settings;
    private readonly UnitSessionDecider _decider;
    private readonly IUnitSessionObserver[] _observers;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    // Callers waiting for an operation to be durable or settled.
    private readonly WriteWaiters _waiters;
    // Resends the window when the unit acknowledges nothing for a while (a lost delivery or ack).
    private ICancelable? _ackWatchdog;
    private ICancelable? _snapshotTimer;

    public UnitSessionActor(string unitId, IUnitChangeJudge judge, UnitSessionSettings settings, IReadOnlyList<IUnitSessionObserverFactory>? observers = null)
    {
        _unitId = unitId;
        _judge = judge;
        _settings = settings;
        _decider = new UnitSessionDecider(unitId, settings, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString());
        _observers = [new SessionLogObserver(_log, unitId), .. (observers ?? []).Select(f => f.Create(Context, unitId))];
        var self = Self;
        _waiters = new WriteWaiters((wait, ended) => Context.System.Scheduler.ScheduleTellOnceCancelable(wait, self, ended, self));

        Recover<SnapshotOffer>(offer => _decider.RecoverSnapshot((UnitSessionSnapshot)offer.Snapshot, offer.Metadata.SequenceNr));
        Recover<IUnitSessionEvent>(_decider.Recover);
        Recover<RecoveryCompleted>(_ =>
        {
            _decider.JournalAt(LastSequenceNr);
            Perform(_decider.Recovered());
        });

        Command<WriteWaiters.WaitEnded>(ended =>
            // Still being stored: answered as soon as it is durable. Durable: answered now with where it stands.
            _waiters.Ended(ended, _decider.IsStoring(ended.OperationId) ? null : _decider.StateOf(ended.OperationId)));
        Command<UnitSessionObserverTick>(tick => tick.Observer.Tick(_decider));
        Command<IUnitSessionQuery>(query => Sender.Tell(query.Answer(_decider)));
        Command<ReceiveTimeout>(_ =>
        {
            if (_decider.CanPassivate && _waiters.Count == 0) Context.Parent.Tell(new Passivate(Stop.Instance));
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            _decider.SnapshotStored(s.Metadata.SequenceNr);
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f =>
        {
            // E.g. the database busy under a storm: try again shortly, or recoveries keep replaying what it would have cut.
            _log.Warning(f.Cause, "unit {0}: snapshot failed; retrying in {1}", _unitId, UnitSessionDecider.SnapshotRetryDelay);
            Perform(_decider.SnapshotFailed());
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "unit {0}: deleting old events failed", _unitId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        CommandAny(message =>
        {
            if (message is UnitSessionTimers.SnapshotDue) _snapshotTimer = null;
            _decider.JournalAt(LastSequenceNr);
            if (_decider.Decide(message, Sender, DateTimeOffset.UtcNow) is { } effects) Perform(effects);
            else Unhandled(message);
        });
    }

    public override string PersistenceId => $"unit-session-{_unitId}";

    public static Props Props(string unitId, IUnitChangeJudge judge, UnitSessionSettings settings,
        IReadOnlyList<IUnitSessionObserverFactory>? observers = null) =>
        // By type and arguments: the expression form (() => new ...) compiles its arguments into dynamic methods on
        // every call, which was most of the CPU of an attach (docs/benchmarks.md, reconnect storm).
        Akka.Actor.Props.Create<UnitSessionActor>(unitId, judge, settings, observers!);

    protected override bool AroundReceive(Receive receive, object message)
    {
        _decider.Heard(Sender, DateTimeOffset.UtcNow);
        var handled = base.AroundReceive(receive, message);
        // Any message may change what observers show (ops hears of it at most once a second).
        if (message is not (UnitSessionObserverTick or IUnitSessionQuery))
            foreach (var observer in _observers) observer.Touched();
        return handled;
    }

    private void Perform(IReadOnlyList<SessionEffect> effects)
    {
        foreach (var effect in effects) Perform(effect);
    }

    private void Perform(SessionEffect effect)
    {
        switch (effect)
        {
            case Send send:
                send.To.Tell(send.Message, send.Forwarded ? Sender : Self);
                break;
            case Persist persist when persist.Blocking:
                Persist(persist.Event, _ => Perform(_decider.Stored(persist, LastSequenceNr, DateTimeOffset.UtcNow)));
                break;
            case Persist persist:
                PersistAsync(persist.Event, _ => Perform(_decider.Stored(persist, LastSequenceNr, DateTimeOffset.UtcNow)));
                break;
            case Watch watch:
                Context.Watch(watch.Connection);
                break;
            case Unwatch unwatch:
                Context.Unwatch(unwatch.Connection);
                break;
            case Judge judge:
                _judge.JudgeAsync(_unitId, judge.Unseen, CancellationToken.None).PipeTo(Self,
                    success: verdicts => new UnitChangesJudged(judge.Batch, verdicts),
                    failure: ex => new UnitChangesNotJudged(judge.Batch, ex));
                break;
            case AddWaiter wait:
                _waiters.Add(wait.OperationId, wait.ReplyTo, wait.Wait);
                break;
            case AnswerWaiters answer:
                if (_waiters.AnyFor(answer.State.OperationId)) _waiters.Answer(answer.State.OperationId, answer.State, answer.FinalOnly);
                break;
            case RefuseWaiters refuse:
                _waiters.Refuse(refuse.OperationId, refuse.Answer);
                break;
            case Deliver deliver:
                deliver.To.Tell(DeliveryTracing.Traced(_unitId, deliver.Deliveries), Self);
                break;
            case StartAckWatchdog:
                _ackWatchdog ??= Context.System.Scheduler.ScheduleTellRepeatedlyCancelable(
                    _settings.AckTimeout, _settings.AckTimeout, Self, UnitSessionTimers.CheckAckProgress.Instance, Self);
                break;
            case StopAckWatchdog:
                _ackWatchdog?.Cancel();
                _ackWatchdog = null;
                break;
            case SessionEffect.SaveSnapshot save:
                SaveSnapshot(save.Snapshot);
                break;
            case ScheduleSnapshot schedule:
                var delay = schedule.Earliest + (schedule.Latest - schedule.Earliest) * Random.Shared.NextDouble();
                _snapshotTimer ??= Context.System.Scheduler.ScheduleTellOnceCancelable(delay, Self, UnitSessionTimers.SnapshotDue.Instance, Self);
                break;
            case SetIdleTimeout idle:
                Context.SetReceiveTimeout(idle.After);
                break;
            case StopWhenStored:
                DeferAsync(Stop.Instance, _ => Context.Stop(Self));
                break;
            case Notify notify:
                foreach (var observer in _observers) observer.On(notify.Notice, _decider);
                break;
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this. Writes not yet confirmed are answered "not durable" (never a false 2xx);
        // callers of durable writes get their current state. The connection sees Terminated and attaches again.
        _log.Error(cause, "unit {0}: journal write failed for {1}", _unitId, @event.GetType().Name);
        _waiters.AnswerAll(_decider.FinalAnswerFor);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        if (@event is IUnitSessionEvent rejected) Perform(_decider.Rejected(rejected));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }

    protected override void PostStop()
    {
        _ackWatchdog?.Cancel();
        _snapshotTimer?.Cancel();
        // Callers still waiting (hand-off, passivation, restart) get where their write stands: durable ones
        // their state (202), ones whose journal write never confirmed "not durable" (503, retry with the key).
        _waiters.AnswerAll(_decider.FinalAnswerFor);
        Perform(new Notify(UnitSessionNotice.SessionStopped.Instance));
        base.PostStop();
    }
}
