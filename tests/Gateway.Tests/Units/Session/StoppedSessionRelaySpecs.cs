using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>
/// Commands that reach a stopped session become real dead letters here (sent to a terminated actor at a session's
/// path); the relay hands callers' commands back to the region once. A probe stands in for the region.
/// </summary>
public sealed class StoppedSessionRelaySpecs : TestKit
{
    private static EnqueueWrite Write(string operationId) =>
        new("unit-a", operationId, Operations.BookAppointment, "p-1", "{}", TimeSpan.FromDays(1), "patient:p-1", "key-1", "hash",
            TimeSpan.Zero, null);

    /// <summary>A terminated actor at <c>/system/{path}</c>.</summary>
    private IActorRef StoppedActorAt(params string[] path)
    {
        var node = ((ExtendedActorSystem)Sys).SystemActorOf(Props.Create(() => new PathNode()), path[0]);
        foreach (var name in path.Skip(1)) node = node.Ask<IActorRef>(name).GetAwaiter().GetResult();
        Watch(node);
        Sys.Stop(node);
        ExpectTerminated(node);
        return node;
    }

    private (IActorRef Session, Akka.TestKit.TestProbe Region) StoppedSessionAndRelay()
    {
        var region = CreateTestProbe();
        Sys.ActorOf(StoppedSessionRelay.Props(region.Ref));
        // The relay subscribes in PreStart: wait until it hears a dead letter before sending the real ones.
        var session = StoppedActorAt("sharding", UnitSessionHosting.TypeName, "7", "unit-a");
        AwaitAssert(() =>
        {
            session.Tell(new GetStatus("unit-a"), TestActor);
            region.ExpectMsg<GetStatus>(TimeSpan.FromMilliseconds(200));
        }, TimeSpan.FromSeconds(10));
        region.IgnoreMessages<GetStatus>(); // a late one from a retry above
        return (session, region);
    }

    [Fact]
    public void A_write_that_reached_a_stopping_session_goes_back_to_the_region_once_with_its_caller()
    {
        var (session, region) = StoppedSessionAndRelay();
        var caller = CreateTestProbe();
        var write = Write("op-1");

        session.Tell(write, caller.Ref);

        Assert.Same(write, region.ExpectMsg<EnqueueWrite>());
        Assert.Equal(caller.Ref, region.LastSender);
        caller.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_write_that_dies_a_second_time_is_answered_not_durable_and_not_relayed_again()
    {
        var (session, region) = StoppedSessionAndRelay();
        var caller = CreateTestProbe();
        var write = Write("op-2");
        session.Tell(write, caller.Ref);
        region.ExpectMsg<EnqueueWrite>();

        session.Tell(write, caller.Ref); // the next incarnation stopped too (the journal still fails)

        var refused = caller.ExpectMsg<WriteRefused>();
        Assert.Equal(("op-2", WriteRefusal.JournalUnavailable), (refused.OperationId, refused.Reason));
        region.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_connections_commands_and_letters_to_other_actors_are_left_alone()
    {
        var (session, region) = StoppedSessionAndRelay();
        var other = StoppedActorAt("elsewhere", "unit-a");

        session.Tell(new Attach("unit-a", TestActor, "unit/1.0", 0), TestActor);
        session.Tell(new DeliveriesAcknowledged("unit-a", 1, 3, []), TestActor);
        other.Tell(Write("op-3"), TestActor);
        session.Tell(Write("op-4"), ActorRefs.NoSender); // nobody to answer

        region.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>Creates children by name, to build a session's path.</summary>
    private sealed class PathNode : ReceiveActor
    {
        public PathNode() => Receive<string>(name => Sender.Tell(Context.ActorOf(Props.Create(() => new PathNode()), name)));
    }
}
