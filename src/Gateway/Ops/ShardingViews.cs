namespace HealthGateway.Gateway.Ops;

/// <summary>One shard region on one node: how many shards and entities it hosts.</summary>
public sealed record ShardRegionView(string TypeName, string Node, int Shards, int Entities);

/// <summary>One shard region on one node, entity count per shard id.</summary>
public sealed record ShardRegionStatsView(string TypeName, string Node, IReadOnlyDictionary<string, int> Shards);
