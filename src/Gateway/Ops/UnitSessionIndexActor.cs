using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// Node-local index of unit sessions, fed by the sessions themselves, so the ops API can list every unit
/// without waking sleeping sessions (each wake is a journal recovery). Entries outlive passivation; the
/// ops API merges all nodes' indexes and keeps the newest report per unit. It also publishes unit events
/// on <see cref="OpsEventTopic.Name"/> so every node's event stream shows every unit.
/// </summary>
public sealed class UnitSessionIndexActor : ReceiveActor
{
    public const string Name = "unit-session-index";

    private readonly Dictionary<string, UnitSessionReport> _reports = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);

    public UnitSessionIndexActor()
    {
        Receive<UnitSessionIndexCommands.Report>(r =>
        {
            if (!_reports.TryGetValue(r.Session.UnitId, out var known) || known.ReportedAt <= r.Session.ReportedAt)
                _reports[r.Session.UnitId] = r.Session;
        });
        Receive<UnitSessionIndexCommands.Seen>(s =>
        {
            if (!_lastSeen.TryGetValue(s.UnitId, out var known) || known < s.At) _lastSeen[s.UnitId] = s.At;
        });
        // The mediator is looked up on first use only: the index itself needs no cluster (and is tested without one).
        Receive<UnitSessionIndexCommands.PublishEvent>(p =>
            DistributedPubSub.Get(Context.System).Mediator.Tell(new Publish(OpsEventTopic.Name, p.Event)));
        Receive<UnitSessionIndexQueries.GetReports>(_ =>
            Sender.Tell(new UnitSessionIndexReplies.Reports(_reports.Values.ToList(), new Dictionary<string, DateTimeOffset>(_lastSeen))));
    }

    /// <summary>The index of the node at <paramref name="node"/> (this node's when local).</summary>
    public static ActorSelection On(ActorSystem system, Akka.Actor.Address node) =>
        system.ActorSelection(new RootActorPath(node) / "user" / Name);

    /// <summary>The local index, for senders inside the actor system.</summary>
    public static ActorSelection Local(IActorContext context) => context.ActorSelection("/user/" + Name);
}

/// <summary>The DistributedPubSub topic unit events are published on.</summary>
public static class OpsEventTopic
{
    public const string Name = "ops-events";
}
