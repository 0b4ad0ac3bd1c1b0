using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>What a <see cref="UnitSessionActor"/> writes to its journal. Serialized by <see cref="UnitSessionSerializer"/>.</summary>
public interface IUnitSessionEvent;

public static class UnitSessionEvents
{
    /// <summary>A connection became current; epochs only grow, also across restarts.</summary>
    public sealed record ConnectionAttached(long Epoch, DateTimeOffset At, string Software) : IUnitSessionEvent;

    /// <summary>
    /// The unit's changes up to <paramref name="UpToSeq"/> were judged by the directory; those <paramref name="Refused"/>
    /// changed nothing (a unit acts only on its own patients).
    /// </summary>
    public sealed record UnitChangesAccepted(long UpToSeq, int Count, DateTimeOffset At, IReadOnlyList<RefusedChange>? Refused = null) : IUnitSessionEvent;

    /// <summary>A write was accepted for the unit: from here on it is durable and will be delivered.</summary>
    public sealed record WriteEnqueued(PendingWrite Write) : IUnitSessionEvent;

    /// <summary>The unit settled these writes (applied, rejected or expired).</summary>
    public sealed record WritesSettled(IReadOnlyList<Settlement> Settlements, DateTimeOffset At) : IUnitSessionEvent;
}

/// <summary>Snapshot of <see cref="UnitSessionState"/>.</summary>
public sealed record UnitSessionSnapshot(
    long Epoch,
    long LastEventSeq,
    DateTimeOffset? LastAttachedAt,
    string? Software,
    long LastWriteSeq = 0,
    long LastSettledSeq = 0,
    IReadOnlyList<PendingWrite>? Backlog = null,
    IReadOnlyList<FinishedWrite>? Finished = null,
    IReadOnlyList<RefusedChange>? Refusals = null,
    long? UnitStreamSeq = null,
    DeliveryStreamRebased? LastRebase = null) : IUnitSessionEvent;

/// <summary>
/// An operator resynced the unit's delivery stream (<c>hgw units resync</c>): deliveries continue from the unit's own
/// <see cref="DeliveryStreamMismatch.UnitLastAppliedSeq"/>; unsettled writes at or below it get new seqs above it, in
/// order. Settled writes the unit lost stay settled (listed in <see cref="Mismatch"/> for re-entry).
/// </summary>
public sealed record DeliveryStreamRebased(DeliveryStreamMismatch Mismatch, DateTimeOffset At, string By) : IUnitSessionEvent;
