using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using HealthGateway.Gateway.Telemetry;
using HealthGateway.Gateway.Units.Messages;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>Marker for the <see cref="UnitSessionActor"/> shard region in the actor registry.</summary>
public sealed class UnitSessionRegion;

public static class UnitSessionHosting
{
    public const string TypeName = "unit-session";
    public const string Role = "gateway";

    /// <summary>
    /// The sharded <see cref="UnitSessionActor"/> region. DData state store and no remember-entities:
    /// sessions wake on the next message or reconnect, so sharding itself writes nothing to SQL.
    /// <paramref name="observers"/>: what every session tells (ops, push; metrics and logs are added here), from the
    /// registry as it stands when the region starts.
    /// </summary>
    public static AkkaConfigurationBuilder WithUnitSessions(this AkkaConfigurationBuilder builder,
        Func<IActorRegistry, IEnumerable<IUnitSessionObserverFactory>> observers, int maxShards = 100) =>
        builder
            .WithCustomSerializer("unit-session", [typeof(IUnitSessionEvent)], system => new UnitSessionSerializer(system))
            .WithShardRegion<UnitSessionRegion>(
                TypeName,
                (system, registry, resolver) =>
                {
                    var judge = resolver.GetService<IUnitChangeJudge>();
                    var options = resolver.GetService<IOptions<GatewayOptions>>().Value;
                    var settings = UnitSessionSettings.From(options);
                    var metrics = resolver.GetService<GatewayMetrics>();
                    IReadOnlyList<IUnitSessionObserverFactory> all = metrics is null
                        ? [.. observers(registry)]
                        : [.. observers(registry), new SessionMetricsObserver.Factory(metrics)];
                    return unitId => UnitSessionActor.Props(unitId, judge, settings, all);
                },
                new UnitSessionMessageExtractor(maxShards),
                new ShardOptions
                {
                    Role = Role,
                    StateStoreMode = StateStoreMode.DData,
                    RememberEntities = false,
                    HandOffStopMessage = UnitSessionCommands.Stop.Instance,
                    // A connected session must never be passivated by sharding; it passivates itself when offline.
                    ShouldPassivateIdleEntities = false,
                });
}
