using Akka.Cluster.Sharding;

namespace HealthGateway.Gateway.Push;

/// <summary>Routes <see cref="IWithPatientId"/> messages to the feed entity of that patient.</summary>
public sealed class PatientFeedMessageExtractor(int maxShards) : HashCodeMessageExtractor(maxShards)
{
    public override string? EntityId(object message) => (message as IWithPatientId)?.PatientId;
}
