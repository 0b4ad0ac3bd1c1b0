namespace HealthGateway.UnitNode;

/// <summary>This unit's id, resolved once from configuration, for log messages and the handshake.</summary>
public sealed record UnitIdentity(string UnitId);
