using Akka.Cluster.Sharding;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>Routes <see cref="IWithUnitId"/> messages to the session entity of that unit.</summary>
public sealed class UnitSessionMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IWithUnitId)?.UnitId;
}
