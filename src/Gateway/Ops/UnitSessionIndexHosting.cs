using Akka.Actor;
using Akka.Hosting;

namespace HealthGateway.Gateway.Ops;

public static class UnitSessionIndexHosting
{
    /// <summary>This node's <see cref="UnitSessionIndexActor"/> at <c>/user/unit-session-index</c> (every node has one).</summary>
    public static AkkaConfigurationBuilder WithUnitSessionIndex(this AkkaConfigurationBuilder builder) =>
        builder.WithActors((system, registry) =>
            registry.Register<UnitSessionIndexActor>(system.ActorOf(Props.Create(() => new UnitSessionIndexActor()), UnitSessionIndexActor.Name)));
}
