using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Hands a caller's command that reached a session as it stopped back to the shard region, once.
/// A failed journal write stops the session (Akka.Persistence's rule); commands already in its mailbox then
/// become dead letters and their callers would wait out the whole ask timeout (15 s for a write) although the
/// next incarnation could answer them at once. Sharding buffers what arrives after the stop, not what arrived
/// during it. A command that dies a second time (the session stops again: the journal is still failing) is
/// answered "not durable" if it is a write, and left to its caller's timeout otherwise.
/// </summary>
public sealed class StoppedSessionRelay : ReceiveActor
{
    private static readonly object Relayed = new();
    private readonly IActorRef _region;
    // By reference: the same command instance dying twice is not relayed again. Entries go with the commands.
    private readonly ConditionalWeakTable<object, object> _relayed = new();

    public StoppedSessionRelay(IActorRef region)
    {
        _region = region;
        Receive<DeadLetter>(OnDeadLetter);
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void OnDeadLetter(DeadLetter dead)
    {
        // Only callers' commands: a connection's own commands (attach, acks, changes) are resent by the connection,
        // which sees the session terminate and attaches again.
        if (dead.Message is not (EnqueueWrite or GetOperation or RouteRead or GetStatus)) return;
        if (!IsSession(dead.Recipient) || dead.Sender is null || dead.Sender.IsNobody()) return;

        if (_relayed.TryGetValue(dead.Message, out _))
        {
            if (dead.Message is EnqueueWrite write)
                dead.Sender.Tell(new WriteRefused(write.OperationId, WriteRefusal.JournalUnavailable));
            return;
        }
        _relayed.Add(dead.Message, Relayed);
        _region.Tell(dead.Message, dead.Sender);
    }

    /// <summary>An entity of the unit-session region: /system/sharding/unit-session/{shard}/{unit}.</summary>
    private static bool IsSession(IActorRef recipient) =>
        recipient.Path.Parent?.Parent is { } type && type.Name == UnitSessionHosting.TypeName && type.Parent?.Name == "sharding";

    public static Props Props(IActorRef region) => Akka.Actor.Props.Create(() => new StoppedSessionRelay(region));
}

public static class StoppedSessionRelayHosting
{
    /// <summary>The node's <see cref="StoppedSessionRelay"/>; after <c>WithUnitSessions</c>, whose region it relays to.</summary>
    public static AkkaConfigurationBuilder WithStoppedSessionRelay(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) =>
            system.ActorOf(StoppedSessionRelay.Props(registry.Get<UnitSessionRegion>()), "stopped-session-relay"));
}
