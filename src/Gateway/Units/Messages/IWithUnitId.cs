namespace HealthGateway.Gateway.Units.Messages;

/// <summary>A message for one unit's session; sharding routes it by <see cref="UnitId"/>.</summary>
public interface IWithUnitId
{
    string UnitId { get; }
}
