namespace HealthGateway.Protocol.Contracts;

/// <summary>Payload of <see cref="UnitEventKinds.PatientRegistered"/>.</summary>
public sealed record PatientRegistered(string DisplayName);
