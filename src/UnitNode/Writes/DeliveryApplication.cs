using HealthGateway.Protocol.Frames;

namespace HealthGateway.UnitNode.Writes;

/// <summary>The result of applying one <see cref="Deliver"/>: its outcome and the unit's resume point afterwards.</summary>
/// <param name="WasDuplicate">The message id had been applied before; the stored outcome was reused and nothing changed.</param>
/// <param name="SkippedFromSeq">Set when seqs between the last applied one and this one never arrived (a gap).</param>
public sealed record DeliveryApplication(DeliveryOutcome Outcome, long LastAppliedSeq, bool WasDuplicate, long? SkippedFromSeq);
