using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using HealthGateway.Gateway.Hosting;

namespace HealthGateway.Gateway.Tests.Hosting;

/// <summary>
/// The shipped cluster tuning (hocon/cluster.hocon, ADR 21) as Akka.NET reads it. Left unset, the split brain
/// resolver's down-removal margin equals stable-after, and sharding and singletons wait that long again after a
/// dead node is removed (15 s of pure waiting measured before ADR 21): the margin must stay set on its own.
/// </summary>
public sealed class ClusterFailoverSettingsTests
{
    [Fact]
    public async Task After_a_node_is_removed_its_shards_wait_only_the_short_removal_margin_not_another_stable_after()
    {
        var config = ConfigurationFactory.ParseString("""
                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp.hostname = 127.0.0.1
                akka.remote.dot-netty.tcp.port = 0
                """)
            .WithFallback(HoconFiles.Load());
        var system = ActorSystem.Create("failover-settings", config);
        try
        {
            var stableAfter = system.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after");
            var margin = Cluster.Get(system).DowningProvider.DownRemovalMargin;

            Assert.Equal(TimeSpan.FromSeconds(2), margin);
            Assert.True(margin < stableAfter, $"down-removal-margin {margin} is not shorter than stable-after {stableAfter}");
        }
        finally
        {
            await system.Terminate();
        }
    }
}
