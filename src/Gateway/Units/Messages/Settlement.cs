namespace HealthGateway.Gateway.Units.Messages;

/// <summary>How the unit settled one write.</summary>
public sealed record Settlement(long Seq, string OperationId, OperationStatus Status, string? ResultJson, string? Reason);
