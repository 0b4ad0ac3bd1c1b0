using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// From ops (<c>POST /api/v1/ops/units/{unitId}/resync</c>): rebase the unit's delivery stream on the seq its current
/// connection reported, so held writes flow again. Answered with <see cref="DeliveriesResynced"/> or <see cref="ResyncRefused"/>.
/// </summary>
public sealed record ResyncDeliveries(string UnitId, string RequestedBy) : IWithUnitId
{
    /// <summary>
    /// The highest unit seq a resync continues from (2^53, the largest integer every JSON reader keeps exact). No real
    /// unit gets near it; a unit claiming more is broken or hostile, and renumbering above it could overflow.
    /// </summary>
    public const long MaxUnitSeq = 1L << 53;
}

/// <summary>The resync is durable and deliveries resumed.</summary>
/// <param name="Resolved">The mismatch it resolved (with the settled writes the unit lost, for re-entry).</param>
/// <param name="Resequenced">Unsettled writes that got new seqs above the unit's (unit ahead).</param>
/// <param name="Held">Unsettled writes now being delivered.</param>
public sealed record DeliveriesResynced(string UnitId, DeliveryStreamMismatch Resolved, int Resequenced, int Held, DateTimeOffset At, string By);

/// <summary>Nothing was changed.</summary>
public sealed record ResyncRefused(string UnitId, ResyncRefusal Reason);

public enum ResyncRefusal
{
    /// <summary>No connection: the resync needs the seq a connected unit reported (409).</summary>
    NotConnected,
    /// <summary>The unit's stream agrees with the gateway's: nothing to resync (409).</summary>
    InStep,
    /// <summary>The unit reported a seq above <see cref="ResyncDeliveries.MaxUnitSeq"/>: not continued from (409).</summary>
    SeqOutOfRange,
}
