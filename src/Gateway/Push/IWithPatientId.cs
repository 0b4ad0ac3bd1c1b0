namespace HealthGateway.Gateway.Push;

/// <summary>A message for one patient's live feed; sharding routes it by <see cref="PatientId"/>.</summary>
public interface IWithPatientId
{
    string PatientId { get; }
}
