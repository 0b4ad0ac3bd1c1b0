using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// One per open event stream: this node's cluster member events plus the cluster-wide unit events
/// (<see cref="OpsEventTopic"/>), written to the stream's channel. A reader that falls far behind
/// loses the oldest events (ops viewing, not data); the stream says so with a comment.
/// </summary>
public sealed class OpsEventSubscriber : ReceiveActor
{
    private readonly ChannelWriter<OpsEvent> _events;

    public OpsEventSubscriber(ChannelWriter<OpsEvent> events)
    {
        _events = events;
        Receive<ClusterEvent.CurrentClusterState>(_ => { }); // the snapshot is what GET /cluster shows
        Receive<ClusterEvent.MemberUp>(e => Member(OpsEventTypes.MemberUp, e.Member, null));
        Receive<ClusterEvent.MemberLeft>(e => Member(OpsEventTypes.MemberLeft, e.Member, "leaving"));
        Receive<ClusterEvent.MemberExited>(e => Member(OpsEventTypes.MemberLeft, e.Member, "exiting"));
        Receive<ClusterEvent.MemberRemoved>(e => Member(OpsEventTypes.MemberRemoved, e.Member, $"was {e.PreviousStatus}"));
        Receive<ClusterEvent.UnreachableMember>(e => Member(OpsEventTypes.MemberUnreachable, e.Member, null));
        Receive<ClusterEvent.ReachableMember>(e => Member(OpsEventTypes.MemberReachable, e.Member, null));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.IReachabilityEvent>(_ => { });
        Receive<OpsEvent>(e => _events.TryWrite(e));
        Receive<SubscribeAck>(_ => { });
    }

    public static Props Props(ChannelWriter<OpsEvent> events) => Akka.Actor.Props.Create<OpsEventSubscriber>(events); // not the expression form: see UnitSessionActor.Props

    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(OpsEventTopic.Name, Self));
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Unsubscribe(OpsEventTopic.Name, Self));
        _events.TryComplete();
    }

    private void Member(string type, Member member, string? detail) =>
        _events.TryWrite(new OpsEvent(type, DateTimeOffset.UtcNow, Address: member.Address.ToString(),
            Node: Cluster.Get(Context.System).SelfAddress.ToString(), Detail: detail));
}
