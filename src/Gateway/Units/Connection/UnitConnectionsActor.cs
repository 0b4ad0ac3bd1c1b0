using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Connection;

/// <summary>
/// Node-local parent of every <see cref="UnitConnectionActor"/>. A failing connection is stopped,
/// never restarted (its socket cannot be reused). On shutdown it closes every socket with 1001
/// so units reconnect elsewhere at once instead of waiting for a keep-alive timeout, each with its own
/// retry hint (spread at the admission rate) so they do not all land on the other nodes in the same instant.
/// Once a second it sweeps every attached socket of the node (one timer for the node, not one per connection:
/// thousands of idle units cost a timer tick each otherwise).
/// </summary>
public sealed class UnitConnectionsActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly LocalUnitSockets _sockets;
    private IActorRef? _shutdownRequester;

    public UnitConnectionsActor(UnitAttachAdmission admission, IMaterializer materializer, LocalUnitSockets sockets)
    {
        _sockets = sockets;
        Receive<Sweep>(_ => SweepSockets());
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

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartPeriodicTimer(nameof(Sweep), Sweep.Instance, SweepInterval);

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    /// <summary>
    /// Forgets reads routed through a session whose asker gave up (it answered 504 already), and tells the
    /// session index when each unit was last heard from (ops).
    /// </summary>
    private void SweepSockets()
    {
        var now = DateTimeOffset.UtcNow;
        var index = Ops.UnitSessionIndexActor.Local(Context);
        foreach (var socket in _sockets.All)
        {
            socket.ForgetExpiredReads(now);
            if (socket.TakeLastFrameNews() is { } seen) index.Tell(new Ops.UnitSessionIndexCommands.Seen(socket.UnitId, seen));
        }
    }

    private void ReplyWhenAllClosed()
    {
        if (_shutdownRequester is null || Context.GetChildren().Any()) return;
        _shutdownRequester.Tell(Akka.Done.Instance);
        _shutdownRequester = null;
    }

    public sealed record Open(UnitConnectionSettings Settings);

    public sealed record CloseAll(int Code, string Reason);

    private sealed record Sweep { public static readonly Sweep Instance = new(); }
}

public static class UnitConnectionsHosting
{
    /// <summary>The connections parent, and a shutdown step that closes unit sockets with 1001 before the node goes (after the HTTP drain: a read in flight still gets its reply).</summary>
    public static AkkaConfigurationBuilder WithUnitConnections(this AkkaConfigurationBuilder builder, UnitAttachAdmission admission, LocalUnitSockets sockets) =>
        builder.WithActors((system, registry) =>
        {
            // One materializer for every unit socket's graph on this node (not one per connection: each is an actor).
            var parent = system.ActorOf(Props.Create<UnitConnectionsActor>(admission, system.Materializer(namePrefix: "unit-sockets"), sockets), "unit-connections");
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
