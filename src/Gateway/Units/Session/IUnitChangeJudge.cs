using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Judges a unit's changes before the session acknowledges them (a unit acts only on its own patients). Defined here
/// and implemented by the directory's side, so the session depends on no feature folder (ADR 27).
/// </summary>
public interface IUnitChangeJudge
{
    /// <summary>One verdict per change, in order. Throws when nothing could be stored: the session acknowledges nothing.</summary>
    Task<IReadOnlyList<UnitChangeVerdict>> JudgeAsync(string unitId, IReadOnlyList<UnitChange> changes, CancellationToken ct);
}
