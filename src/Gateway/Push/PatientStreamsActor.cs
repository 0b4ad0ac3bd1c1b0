using Akka.Actor;
using Akka.Hosting;

namespace HealthGateway.Gateway.Push;

/// <summary>Node-local parent of every <see cref="PatientStreamActor"/>. A failing stream is stopped, never restarted.</summary>
public sealed class PatientStreamsActor : ReceiveActor
{
    public PatientStreamsActor() =>
        Receive<PatientStreamCommands.Open>(open => Context.ActorOf(PatientStreamActor.Props(open.Settings, Sender)));

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}

public static class PatientStreamsHosting
{
    public static AkkaConfigurationBuilder WithPatientStreams(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) =>
            registry.Register<PatientStreamsActor>(system.ActorOf(Props.Create(() => new PatientStreamsActor()), "patient-streams")));
}
