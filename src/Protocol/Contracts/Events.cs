namespace HealthGateway.Protocol.Contracts;

/// <summary>Payload of <see cref="UnitEventKinds.PatientRegistered"/>.</summary>
public sealed record PatientRegistered(string DisplayName);

/// <summary>
/// Payload of <see cref="UnitEventKinds.PatientReleased"/>: the unit the patient moves to. The patient stays routed to the
/// releasing unit until <paramref name="ToUnitId"/> registers them.
/// </summary>
public sealed record PatientReleased(string ToUnitId);
