using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Session.UnitSessionNotice;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// A <see cref="UnitSessionActor"/>'s observer that keeps its node's <see cref="UnitSessionIndexActor"/> current:
/// any message asks for a report within a second (so a busy unit reports at most once a second), attach, detach,
/// resync and stop report at once, and unit events (connected, superseded, tenant events, resyncs) are published.
/// </summary>
public sealed class UnitSessionIndexReporter(IActorContext context, string unitId) : IUnitSessionObserver
{
    private static readonly TimeSpan Throttle = TimeSpan.FromSeconds(1);
    private readonly ActorSelection _index = UnitSessionIndexActor.Local(context);
    private readonly IActorRef _self = context.Self;
    private readonly IScheduler _scheduler = context.System.Scheduler;
    private bool _flushScheduled;

    /// <summary>Every session of a node reports to that node's index.</summary>
    public static readonly IUnitSessionObserverFactory Factory = new ReporterFactory();

    private readonly string _selfAddress = ((ExtendedActorSystem)context.System).Provider.DefaultAddress.ToString();

    public void Touched()
    {
        if (_flushScheduled) return;
        _flushScheduled = true;
        _scheduler.ScheduleTellOnce(Throttle, _self, new UnitSessionObserverTick(this), _self);
    }

    public void Tick(IUnitSessionView session)
    {
        _flushScheduled = false;
        ReportNow(Build(session, awake: true));
    }

    public void On(UnitSessionNotice notice, IUnitSessionView session)
    {
        switch (notice)
        {
            case ConnectionTookOver took:
                if (took.Superseded is { } old)
                    Publish(OpsEventTypes.UnitSuperseded, old, $"superseded by epoch {took.Epoch} on {NodeOf(took.Connection)}");
                Publish(OpsEventTypes.UnitConnected, took.Connection, $"epoch {took.Epoch}, software {took.Software}");
                break;
            case ConnectionLost lost:
                Publish(OpsEventTypes.UnitDisconnected, lost.Connection, lost.Why);
                break;
            case UnitChangesStored stored:
                foreach (var verdict in stored.Verdicts) PublishTenantEvent(verdict, session.Connection);
                break;
            case DeliveryMismatchFound found:
                Publish(OpsEventTypes.UnitDeliveryMismatch, session.Connection, found.Mismatch.Describe());
                break;
            case DeliveryStreamResynced resynced:
                var e = resynced.Rebase;
                Publish(OpsEventTypes.UnitResynced, session.Connection,
                    $"by {e.By}: {e.Mismatch.Describe()}; deliveries continue after seq {e.Mismatch.UnitLastAppliedSeq}");
                break;
            case StatusChanged:
                ReportNow(Build(session, awake: true));
                break;
            case SessionStopped:
                // A stopped session holds no connection: the socket re-attaches wherever the session wakes next and reports from there.
                ReportNow(Build(session, awake: false));
                break;
        }
    }

    /// <summary>Ops hear of every refused claim and every change of owner (the audit trail already holds them).</summary>
    private void PublishTenantEvent(UnitChangeVerdict verdict, IActorRef? connection)
    {
        var change = verdict.Change;
        if (!verdict.Accepted)
            Publish(OpsEventTypes.PatientClaimRefused, connection,
                $"{change.Kind} seq {change.Seq} refused ({verdict.RefusalCode})" + (verdict.HeldBy is { } owner ? $": unit {unitId} claimed a patient of unit {owner}" : ""));
        else if (verdict.TransferredFrom is { } from)
            Publish(OpsEventTypes.PatientTransferred, connection, $"took a patient over from {from} (released to {unitId})");
        else if (verdict.TransferredTo is { } to)
            Publish(OpsEventTypes.PatientTransferred, connection, $"released a patient to {to}, which had claimed them");
        else if (change.Kind == Protocol.UnitEventKinds.PatientReleased)
            Publish(OpsEventTypes.PatientReleased, connection, $"released a patient: {change.PayloadJson}");
    }

    private void ReportNow(UnitSessionReport report) => _index.Tell(new UnitSessionIndexCommands.Report(report));

    private void Publish(string type, IActorRef? connection, string? detail = null) =>
        _index.Tell(new UnitSessionIndexCommands.PublishEvent(
            new OpsEvent(type, DateTimeOffset.UtcNow, UnitId: unitId, Node: NodeOf(connection), Detail: detail)));

    private string? NodeOf(IActorRef? actor) => NodeOf(actor, _selfAddress);

    /// <summary>The cluster address of the node an actor lives on (local refs carry no host).</summary>
    private static string? NodeOf(IActorRef? actor, string selfAddress) =>
        actor is null ? null : actor.Path.Address.HasGlobalScope ? actor.Path.Address.ToString() : selfAddress;

    /// <summary>Builds a report from a look at the session (<paramref name="awake"/> false: it stopped, so holds no connection).</summary>
    public static UnitSessionReport Build(IUnitSessionView session, bool awake)
    {
        var state = session.State;
        var connection = awake ? session.Connection : null;
        var backlog = state.BacklogCount;
        var delivered = connection is null ? 0 : Math.Min(session.InFlight, backlog);
        int applied = 0, rejected = 0, expired = 0;
        foreach (var finished in state.FinishedWrites)
        {
            switch (finished.Status)
            {
                case OperationStatus.Applied: applied++; break;
                case OperationStatus.Rejected: rejected++; break;
                case OperationStatus.Expired: expired++; break;
            }
        }
        return new UnitSessionReport(
            session.UnitId, connection is not null, NodeOf(connection, session.SessionNode), connection is null ? null : state.LastAttachedAt, session.LastSeen,
            session.ConnectionSoftware ?? state.Software, backlog, backlog > 0 ? state.Backlog.First().EnqueuedAt : null,
            Delivered: state.LastWriteSeq - backlog, Applied: state.LastEventSeq,
            new OperationCounts(backlog - delivered, delivered, applied, rejected, expired),
            session.SessionNode, awake, DateTimeOffset.UtcNow)
        {
            DeliveryMismatch = awake ? session.DeliveryMismatch : null,
            LastResync = state.LastRebase,
        };
    }

    private sealed class ReporterFactory : IUnitSessionObserverFactory
    {
        public IUnitSessionObserver Create(IActorContext session, string unitId) => new UnitSessionIndexReporter(session, unitId);
    }
}
