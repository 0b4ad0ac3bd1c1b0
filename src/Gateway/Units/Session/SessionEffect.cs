using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// What <see cref="UnitSessionDecider"/> asks its shell (<see cref="UnitSessionActor"/>) to do, in order. Values only:
/// the decider never sends, persists, schedules or logs itself, so its rules are tested by reading these.
/// </summary>
public abstract record SessionEffect
{
    /// <summary>Tell <paramref name="To"/>; with <paramref name="Forwarded"/> the original sender stays the sender (a read's reply goes to its asker).</summary>
    public sealed record Send(IActorRef To, object Message, bool Forwarded = false) : SessionEffect;

    /// <summary>
    /// Persist <paramref name="Event"/>, then hand this effect back to <see cref="UnitSessionDecider.Stored"/>.
    /// <paramref name="Blocking"/>: new commands wait until it is stored (Persist); else they keep flowing (PersistAsync).
    /// <paramref name="Cause"/>: what the decider needs again once it is durable (the attach, the verdicts, who asked).
    /// </summary>
    public sealed record Persist(IUnitSessionEvent Event, bool Blocking = false, object? Cause = null) : SessionEffect;

    public sealed record Watch(IActorRef Connection) : SessionEffect;

    public sealed record Unwatch(IActorRef Connection) : SessionEffect;

    /// <summary>Have the judge rule on these changes; its answer comes back as <see cref="UnitChangesJudged"/> or <see cref="UnitChangesNotJudged"/>.</summary>
    public sealed record Judge(AcceptUnitChanges Batch, IReadOnlyList<UnitChange> Unseen) : SessionEffect;

    /// <summary><paramref name="ReplyTo"/> waits for the write (at most <paramref name="Wait"/> for its outcome, when above zero).</summary>
    public sealed record AddWaiter(string OperationId, IActorRef ReplyTo, TimeSpan Wait) : SessionEffect;

    /// <summary>The write stands at <paramref name="State"/> now: answer who waits (with <paramref name="FinalOnly"/>, those waiting for the outcome only once settled).</summary>
    public sealed record AnswerWaiters(UnitSessionReplies.OperationState State, bool FinalOnly) : SessionEffect;

    /// <summary>Everyone waiting on the write hears <paramref name="Answer"/> now.</summary>
    public sealed record RefuseWaiters(string OperationId, object Answer) : SessionEffect;

    /// <summary>Deliveries to the current connection (the shell joins each to its write's trace).</summary>
    public sealed record Deliver(IActorRef To, UnitSessionReplies.Deliveries Deliveries) : SessionEffect;

    /// <summary>Check once per ack timeout that deliveries are being settled (<see cref="UnitSessionTimers.CheckAckProgress"/>).</summary>
    public sealed record StartAckWatchdog : SessionEffect { public static readonly StartAckWatchdog Instance = new(); }

    public sealed record StopAckWatchdog : SessionEffect { public static readonly StopAckWatchdog Instance = new(); }

    /// <summary>Save this snapshot; once stored, older events and snapshots are deleted.</summary>
    public sealed record SaveSnapshot(UnitSessionSnapshot Snapshot) : SessionEffect;

    /// <summary>Send <see cref="UnitSessionTimers.SnapshotDue"/> at a random point between the two delays (unless one is pending).</summary>
    public sealed record ScheduleSnapshot(TimeSpan Earliest, TimeSpan Latest) : SessionEffect;

    /// <summary>Passivate when idle this long (null: never, a connection is attached).</summary>
    public sealed record SetIdleTimeout(TimeSpan? After) : SessionEffect;

    /// <summary>Stop once what is being stored is stored (hand-off, passivation).</summary>
    public sealed record StopWhenStored : SessionEffect { public static readonly StopWhenStored Instance = new(); }

    /// <summary>Tell the session's observers (ops, push, metrics, logs).</summary>
    public sealed record Notify(UnitSessionNotice Notice) : SessionEffect;
}
