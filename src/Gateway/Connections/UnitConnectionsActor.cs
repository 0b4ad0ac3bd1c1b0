using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;

namespace HealthGateway.Gateway.Connections;

/// <summary>
/// Node-local parent of every <see cref="UnitConnectionActor"/>. A failing connection is stopped,
/// never restarted (its socket cannot be reused). On shutdown it closes every socket with 1001
/// so units reconnect elsewhere at once instead of waiting for a keep-alive timeout, each with its own
/// retry hint (spread at the admission rate) so they do not all land on the other nodes in the same instant.
/// </summary>
public sealed class UnitConnectionsActor : ReceiveActor
{
    private IActorRef? _shutdownRequester;

    public UnitConnectionsActor(UnitAttachAdmission admission, IMaterializer materializer)
    {
        Receive<Open>(open => Context.ActorOf(UnitConnectionActor.Props(open.Settings, materializer)));
        Receive<CloseAll>(close =>
        {
            _shutdownRequester = Sender;
            var index = 0;
            foreach (var child in Context.GetChildren())
            {
                Context.Watch(child);
                var hint = close.Code == Protocol.CloseCodes.GoingAway ? (int)admission.ShutdownHint(index++).TotalMilliseconds : (int?)null;
                child.Tell(new UnitConnectionCommands.Close(close.Code, close.Reason, hint));
            }
            ReplyWhenAllClosed();
        });
        Receive<Terminated>(_ => ReplyWhenAllClosed());
    }

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    private void ReplyWhenAllClosed()
    {
        if (_shutdownRequester is null || Context.GetChildren().Any()) return;
        _shutdownRequester.Tell(Akka.Done.Instance);
        _shutdownRequester = null;
    }

    public sealed record Open(UnitConnectionSettings Settings);

    public sealed record CloseAll(int Code, string Reason);
}

public static class UnitConnectionsHosting
{
    /// <summary>The connections parent, and a shutdown step that closes unit sockets with 1001 before the node goes (after the HTTP drain: a read in flight still gets its reply).</summary>
    public static AkkaConfigurationBuilder WithUnitConnections(this AkkaConfigurationBuilder builder, UnitAttachAdmission admission) =>
        builder.WithActors((system, registry) =>
        {
            // One materializer for every unit socket's graph on this node (not one per connection: each is an actor).
            var parent = system.ActorOf(Props.Create<UnitConnectionsActor>(admission, system.Materializer(namePrefix: "unit-sockets")), "unit-connections");
            registry.Register<UnitConnectionsActor>(parent);
            CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-unit-sockets", async () =>
            {
                await CloseAllAsync(parent);
                return Akka.Done.Instance;
            });
        });

    /// <summary>Closes every unit socket of this node with 1001 and waits (at most 5 s) until they are closed.</summary>
    /// <remarks>Nothing to do once the actor system has terminated (its shutdown closed them): an ask would wait out its timeout.</remarks>
    public static Task CloseAllAsync(IServiceProvider services) =>
        services.GetRequiredService<ActorSystem>().WhenTerminated.IsCompleted
            ? Task.CompletedTask
            : CloseAllAsync(services.GetRequiredService<IRequiredActor<UnitConnectionsActor>>().ActorRef);

    private static async Task CloseAllAsync(IActorRef parent)
    {
        try
        {
            await parent.Ask<Akka.Done>(new UnitConnectionsActor.CloseAll(Protocol.CloseCodes.GoingAway, "gateway shutting down"), TimeSpan.FromSeconds(5));
        }
        catch (AskTimeoutException)
        {
            // Sockets still open are aborted when the actor system stops.
        }
    }
}
