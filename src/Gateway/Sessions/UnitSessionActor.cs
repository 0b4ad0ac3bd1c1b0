using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using HealthGateway.Gateway.Connections;
using HealthGateway.Gateway.Routing;
using static HealthGateway.Gateway.Sessions.UnitSessionCommands;
using static HealthGateway.Gateway.Sessions.UnitSessionEvents;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Sessions;

/// <summary>
/// The one owner of a unit's session (sharded by unit id, persistent): which connection is
/// current, the epoch that orders connections, and how far the unit's own changes have been
/// accepted. The socket itself belongs to a node-local <see cref="UnitConnectionActor"/>, which
/// may live on another node.
/// </summary>
public sealed class UnitSessionActor : ReceivePersistentActor
{
    /// <summary>Snapshot (and delete older events) after this many journal writes.</summary>
    private const int SnapshotEvery = 200;

    private readonly string _unitId;
    private readonly PatientDirectory _directory;
    private readonly TimeSpan _idlePassivation;
    private readonly UnitSessionState _state = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private IActorRef? _connection;
    private string? _connectionSoftware;

    // Unit changes are applied one batch at a time, in arrival order.
    private readonly Queue<AcceptUnitChanges> _pendingChanges = new();
    private bool _applyingChanges;

    public UnitSessionActor(string unitId, PatientDirectory directory, TimeSpan idlePassivation)
    {
        _unitId = unitId;
        _directory = directory;
        _idlePassivation = idlePassivation;

        Recover<SnapshotOffer>(offer => _state.Apply((UnitSessionSnapshot)offer.Snapshot));
        Recover<IUnitSessionEvent>(_state.Apply);
        Recover<RecoveryCompleted>(_ => UpdatePassivation());

        Command<Attach>(OnAttach);
        Command<Detach>(d => { if (d.Connection.Equals(_connection)) ConnectionGone("detached"); });
        Command<Terminated>(t => { if (t.ActorRef.Equals(_connection)) ConnectionGone("terminated"); });
        Command<RouteRead>(OnRouteRead);
        Command<AcceptUnitChanges>(OnAcceptUnitChanges);
        Command<ChangesApplied>(OnChangesApplied);
        Command<ChangesFailed>(OnChangesFailed);
        Command<GetStatus>(_ => Sender.Tell(new SessionStatus(
            _unitId, _connection is not null, _state.Epoch, _state.LastEventSeq, _state.LastAttachedAt,
            _connectionSoftware ?? _state.Software, _connection?.Path.ToString(),
            ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.ToString())));
        Command<Stop>(_ => DeferAsync(Stop.Instance, _ => Context.Stop(Self)));
        Command<ReceiveTimeout>(_ =>
        {
            if (_connection is null) Context.Parent.Tell(new Passivate(Stop.Instance));
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => _log.Warning(f.Cause, "unit {0}: snapshot failed", _unitId));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning(f.Cause, "unit {0}: deleting old events failed", _unitId));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    public override string PersistenceId => $"unit-session-{_unitId}";

    public static Props Props(string unitId, PatientDirectory directory, TimeSpan idlePassivation) =>
        Akka.Actor.Props.Create(() => new UnitSessionActor(unitId, directory, idlePassivation));

    private void OnAttach(Attach attach)
    {
        var attached = _state.Attach(attach.Software, DateTimeOffset.UtcNow);
        // Persist (not PersistAsync): nothing else may see the old epoch once the new one is decided.
        Persist(attached, e =>
        {
            _state.Apply(e);
            if (_connection is not null && !_connection.Equals(attach.Connection))
            {
                _log.Info("unit {0}: connection {1} superseded by {2} (epoch {3})", _unitId, _connection.Path, attach.Connection.Path, e.Epoch);
                _connection.Tell(new Superseded(_unitId, e.Epoch));
                Context.Unwatch(_connection);
            }
            _connection = attach.Connection;
            _connectionSoftware = attach.Software;
            _pendingChanges.Clear(); // batches of the old connection are resent by the new one
            Context.Watch(_connection);
            _connection.Tell(new Attached(_unitId, e.Epoch, _state.LastEventSeq));
            _log.Info("unit {0}: attached {1} epoch {2}, unit changes accepted up to {3}", _unitId, _connection.Path, e.Epoch, _state.LastEventSeq);
            UpdatePassivation();
            MaybeSnapshot();
        });
    }

    private void ConnectionGone(string why)
    {
        _log.Info("unit {0}: connection {1} {2}", _unitId, _connection?.Path, why);
        if (_connection is not null) Context.Unwatch(_connection);
        _connection = null;
        _connectionSoftware = null;
        _pendingChanges.Clear();
        UpdatePassivation();
    }

    private void OnRouteRead(RouteRead read)
    {
        // Past its deadline nobody waits for the answer (the asker already said 504): don't load the unit.
        if (read.Deadline <= DateTimeOffset.UtcNow) return;
        if (_connection is null) Sender.Tell(new ReadReplies.Failed(read.RequestId, ReadFailure.UnitOffline));
        else _connection.Forward(new UnitConnectionCommands.SendRead(read));
    }

    private void OnAcceptUnitChanges(AcceptUnitChanges batch)
    {
        if (batch.Epoch != _state.Epoch || !Sender.Equals(_connection)) return; // from a superseded connection
        _pendingChanges.Enqueue(batch);
        ApplyNextChanges();
    }

    private void ApplyNextChanges()
    {
        if (_applyingChanges || !_pendingChanges.TryDequeue(out var batch)) return;
        var unseen = _state.Unseen(batch.Changes);
        if (unseen.Count == 0)
        {
            _connection?.Tell(new ChangesAcknowledged(_unitId, _state.Epoch, _state.LastEventSeq));
            ApplyNextChanges();
            return;
        }

        _applyingChanges = true;
        _directory.ApplyAsync(_unitId, unseen, CancellationToken.None).PipeTo(Self,
            success: () => new ChangesApplied(batch, unseen),
            failure: ex => new ChangesFailed(batch, ex));
    }

    private void OnChangesApplied(ChangesApplied applied)
    {
        var upTo = applied.Unseen[^1].Seq;
        // PersistAsync keeps reads flowing while the journal writes; the ack still waits for it.
        PersistAsync(new UnitChangesAccepted(upTo, applied.Unseen.Count, DateTimeOffset.UtcNow), e =>
        {
            _state.Apply(e);
            _connection?.Tell(new ChangesAcknowledged(_unitId, _state.Epoch, _state.LastEventSeq));
            _applyingChanges = false;
            MaybeSnapshot();
            ApplyNextChanges();
        });
    }

    private void OnChangesFailed(ChangesFailed failed)
    {
        // Not acknowledged: the unit keeps the changes and resends them after its next reconnect.
        _log.Error(failed.Cause, "unit {0}: applying {1} unit changes failed; closing the connection so the unit resends", _unitId, failed.Batch.Changes.Count);
        _applyingChanges = false;
        _pendingChanges.Clear();
        _connection?.Tell(new UnitConnectionCommands.Close(Protocol.CloseCodes.InternalError, "gateway could not store unit changes; reconnect"));
    }

    private void MaybeSnapshot()
    {
        if (LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state.ToSnapshot());
    }

    private void UpdatePassivation() =>
        Context.SetReceiveTimeout(_connection is null ? _idlePassivation : null);

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The actor stops after this; the connection sees Terminated and attaches again.
        _log.Error(cause, "unit {0}: journal write failed for {1}", _unitId, @event.GetType().Name);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private sealed record ChangesApplied(AcceptUnitChanges Batch, IReadOnlyList<UnitChange> Unseen);
    private sealed record ChangesFailed(AcceptUnitChanges Batch, Exception Cause);
}
