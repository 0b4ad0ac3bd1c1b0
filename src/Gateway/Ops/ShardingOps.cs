using Akka.Actor;
using Akka.Cluster.Sharding;

namespace HealthGateway.Gateway.Ops;

/// <summary>Shard regions of every sharded type, per node, from <see cref="GetClusterShardingStats"/>.</summary>
public sealed class ShardingOps(ActorSystem system)
{
    private static readonly TimeSpan StatsTimeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<ShardRegionStatsView>> RegionStatsAsync()
    {
        var sharding = ClusterSharding.Get(system);
        var rows = new List<ShardRegionStatsView>();
        foreach (var typeName in sharding.ShardTypeNames.OrderBy(t => t, StringComparer.Ordinal))
        {
            var stats = await sharding.ShardRegion(typeName)
                .Ask<ClusterShardingStats>(new GetClusterShardingStats(StatsTimeout), StatsTimeout + TimeSpan.FromSeconds(2));
            foreach (var (node, region) in stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal))
            {
                var shards = new SortedDictionary<string, int>(StringComparer.Ordinal);
                foreach (var (shardId, entities) in region.Stats) shards[shardId] = entities;
                rows.Add(new ShardRegionStatsView(typeName, node.ToString(), shards));
            }
        }
        return rows;
    }

    public async Task<IReadOnlyList<ShardRegionView>> RegionsAsync() =>
        (await RegionStatsAsync())
            .Select(r => new ShardRegionView(r.TypeName, r.Node, r.Shards.Count, r.Shards.Values.Sum()))
            .ToList();
}
