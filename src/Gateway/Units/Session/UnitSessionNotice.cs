using Akka.Actor;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// What happened in a session, told to its observers (<see cref="IUnitSessionObserver"/>) once it is durable: ops
/// events and reports, patients' feeds, metrics and logs learn from these instead of being called by the session.
/// </summary>
public abstract record UnitSessionNotice
{
    /// <summary>The session woke (recovered its journal).</summary>
    public sealed record SessionRecovered : UnitSessionNotice { public static readonly SessionRecovered Instance = new(); }

    /// <summary>A connection became current under <paramref name="Epoch"/>, superseding <paramref name="Superseded"/> if any.</summary>
    public sealed record ConnectionTookOver(IActorRef Connection, long Epoch, string Software, IActorRef? Superseded) : UnitSessionNotice;

    /// <summary>An attach changed nothing (a repeat being stored, or its connection gave up).</summary>
    public sealed record AttachIgnored(IActorRef Connection, string Why) : UnitSessionNotice;

    /// <summary>The current connection went (detached or terminated).</summary>
    public sealed record ConnectionLost(IActorRef Connection, string Why) : UnitSessionNotice;

    /// <summary>A write is durable; <paramref name="State"/> is where it stands now.</summary>
    public sealed record WriteStored(PendingWrite Write, OperationState State) : UnitSessionNotice;

    /// <summary>The unit's outcomes are durable; <paramref name="States"/> are the settled writes' states.</summary>
    public sealed record SettlementsStored(WritesSettled Event, IReadOnlyList<OperationState> States) : UnitSessionNotice;

    /// <summary><paramref name="Count"/> deliveries sent; <paramref name="FirstDelivered"/> those sent for the first time.</summary>
    public sealed record DeliveriesSent(int Count, IReadOnlyList<OperationState> FirstDelivered) : UnitSessionNotice;

    /// <summary>Nothing was settled for a whole ack timeout: the window of <paramref name="InFlight"/> deliveries is resent.</summary>
    public sealed record DeliveriesResent(int InFlight, TimeSpan After) : UnitSessionNotice;

    /// <summary>The verdicts on the unit's changes are durable (and acknowledged to the unit).</summary>
    public sealed record UnitChangesStored(IReadOnlyList<UnitChangeVerdict> Verdicts) : UnitSessionNotice;

    /// <summary>A batch jumped past the changes accepted so far: the connection is closed so the unit resends.</summary>
    public sealed record UnitChangesOutOfSequence(long AcceptedUpTo, long NextSeq) : UnitSessionNotice;

    /// <summary>A batch could not be judged or stored: the connection is closed so the unit resends.</summary>
    public sealed record UnitChangesNotStored(int Count, Exception? Cause) : UnitSessionNotice;

    /// <summary>At attach, the unit's delivery stream disagrees with the gateway's: deliveries are held.</summary>
    public sealed record DeliveryMismatchFound(DeliveryStreamMismatch Mismatch) : UnitSessionNotice;

    /// <summary>An operator's resync is durable; <paramref name="Resequenced"/> unsettled writes got new seqs.</summary>
    public sealed record DeliveryStreamResynced(DeliveryStreamRebased Rebase, int Resequenced) : UnitSessionNotice;

    /// <summary>Where the session stands changed in a way ops should see at once (attach, detach, resync).</summary>
    public sealed record StatusChanged : UnitSessionNotice { public static readonly StatusChanged Instance = new(); }

    /// <summary>The session stopped (hand-off, passivation, failure): it holds no connection now.</summary>
    public sealed record SessionStopped : UnitSessionNotice { public static readonly SessionStopped Instance = new(); }
}
