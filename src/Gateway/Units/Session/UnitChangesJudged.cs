using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>The judge ruled on a batch of unit changes (<see cref="SessionEffect.Judge"/>); the verdicts are persisted next.</summary>
public sealed record UnitChangesJudged(AcceptUnitChanges Batch, IReadOnlyList<UnitChangeVerdict> Verdicts);

/// <summary>The judge could not rule (e.g. the audit trail is down): nothing is acknowledged, the unit resends.</summary>
public sealed record UnitChangesNotJudged(AcceptUnitChanges Batch, Exception Cause);
