using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using HealthGateway.Gateway.Units.Session;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Push;

/// <summary>Marker for the <see cref="PatientFeedActor"/> shard region in the actor registry.</summary>
public sealed class PatientFeedRegion;

public static class PatientFeedHosting
{
    public const string TypeName = "patient-feed";

    /// <summary>
    /// The sharded <see cref="PatientFeedActor"/> region (one feed per patient, anywhere in the cluster). Register
    /// it before the unit sessions, which publish to it. Feeds passivate themselves when idle without subscribers;
    /// sharding must not passivate one a stream is subscribed to.
    /// </summary>
    public static AkkaConfigurationBuilder WithPatientFeeds(this AkkaConfigurationBuilder builder, int maxShards = 100) =>
        builder.WithShardRegion<PatientFeedRegion>(
            TypeName,
            (_, _, resolver) =>
            {
                var settings = PatientFeedSettings.From(resolver.GetService<IOptions<GatewayOptions>>().Value);
                return patientId => PatientFeedActor.Props(patientId, settings);
            },
            new PatientFeedMessageExtractor(maxShards),
            new ShardOptions
            {
                Role = UnitSessionHosting.Role,
                StateStoreMode = StateStoreMode.DData,
                RememberEntities = false,
                ShouldPassivateIdleEntities = false,
            });
}
