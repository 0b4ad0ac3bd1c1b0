namespace HealthGateway.Gateway.Routing;

/// <summary>The result of an admin transfer: where the patient was and where they are now routed.</summary>
public sealed record PatientTransfer(string PatientId, string FromUnitId, string ToUnitId);
