using Akka.Actor;
using HealthGateway.Gateway.Sessions;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// Used by a <see cref="UnitSessionActor"/> to keep its node's <see cref="UnitSessionIndexActor"/> current:
/// <see cref="Changed"/> asks for a report within a second (so a busy unit reports at most once a second),
/// <see cref="ReportNow"/> reports at once (attach, detach, stop).
/// </summary>
public sealed class UnitSessionIndexReporter(IActorContext context)
{
    private static readonly TimeSpan Throttle = TimeSpan.FromSeconds(1);
    private readonly ActorSelection _index = UnitSessionIndexActor.Local(context);
    private readonly IActorRef _self = context.Self;
    private readonly IScheduler _scheduler = context.System.Scheduler;
    private bool _flushScheduled;

    public Address SelfAddress { get; } = ((ExtendedActorSystem)context.System).Provider.DefaultAddress;

    /// <summary>Something may have changed: the actor gets <see cref="Flush"/> within a second and reports then.</summary>
    public void Changed()
    {
        if (_flushScheduled) return;
        _flushScheduled = true;
        _scheduler.ScheduleTellOnce(Throttle, _self, Flush.Instance, _self);
    }

    /// <summary>Handles <see cref="Flush"/>.</summary>
    public void Flushed(UnitSessionReport report)
    {
        _flushScheduled = false;
        ReportNow(report);
    }

    public void ReportNow(UnitSessionReport report) => _index.Tell(new UnitSessionIndexCommands.Report(report));

    public void Publish(string type, string unitId, IActorRef? connection, string? detail = null) =>
        _index.Tell(new UnitSessionIndexCommands.PublishEvent(
            new OpsEvent(type, DateTimeOffset.UtcNow, UnitId: unitId, Node: NodeOf(connection), Detail: detail)));

    /// <summary>The cluster address of the node an actor lives on (local refs carry no host).</summary>
    public string? NodeOf(IActorRef? actor) =>
        actor is null ? null : (actor.Path.Address.HasGlobalScope ? actor.Path.Address : SelfAddress).ToString();

    /// <summary>Builds a report from the session's state.</summary>
    public UnitSessionReport Build(string unitId, UnitSessionState state, IActorRef? connection, string? software,
        int inFlight, DateTimeOffset? lastSeen, bool awake)
    {
        var backlog = state.BacklogCount;
        var delivered = connection is null ? 0 : Math.Min(inFlight, backlog);
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
            unitId, connection is not null, NodeOf(connection), connection is null ? null : state.LastAttachedAt, lastSeen,
            software ?? state.Software, backlog, backlog > 0 ? state.Backlog.First().EnqueuedAt : null,
            Delivered: state.LastWriteSeq - backlog, Applied: state.LastEventSeq,
            new OperationCounts(backlog - delivered, delivered, applied, rejected, expired),
            SelfAddress.ToString(), awake, DateTimeOffset.UtcNow);
    }

    /// <summary>Self-message: time to send the throttled report.</summary>
    public sealed record Flush
    {
        public static readonly Flush Instance = new();
    }
}
