using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// A unit's change batches waiting to be judged and accepted, one batch at a time in arrival order, and what the next
/// step is (<see cref="Next"/>). Not durable: batches of a connection that went are resent by the next one.
/// </summary>
public sealed class UnitChangeQueue
{
    private readonly Queue<AcceptUnitChanges> _waiting = new();
    private bool _judging;

    public void Enqueue(AcceptUnitChanges batch) => _waiting.Enqueue(batch);

    /// <summary>The connection went, or the session gave up on what waits: the unit resends it.</summary>
    public void Clear() => _waiting.Clear();

    /// <summary>The batch being judged was accepted (or failed): the next may go.</summary>
    public void Done() => _judging = false;

    /// <summary>What to do next; null while a batch is being judged or when nothing waits.</summary>
    public Step? Next(UnitSessionState state)
    {
        if (_judging || !_waiting.TryDequeue(out var batch)) return null;
        // (A session that has accepted nothing yet takes the unit's first seq as it comes: its outbox may start later.)
        if (batch.Changes.Count > 0 && state.LastEventSeq > 0 && batch.Changes[0].Seq > state.LastEventSeq + 1)
        {
            _waiting.Clear();
            return new Step.Gap(state.LastEventSeq, batch.Changes[0].Seq);
        }
        var unseen = state.Unseen(batch.Changes);
        if (unseen.Count == 0)
        {
            var refused = batch.Changes.Count == 0 ? [] : state.RefusalsBetween(batch.Changes[0].Seq, batch.Changes[^1].Seq);
            return new Step.AlreadyAccepted(refused);
        }
        _judging = true;
        return new Step.Judge(batch, unseen);
    }

    public abstract record Step
    {
        /// <summary>
        /// The batch starts past a gap: a cumulative ack would lose the missing changes for good, so the connection
        /// is closed and the unit resends from where the session stands. What waited is dropped (resent too).
        /// </summary>
        public sealed record Gap(long AcceptedUpTo, long NextSeq) : Step;

        /// <summary>A resend of changes accepted before: acknowledge again, with their refusals, so a lost ack loses none.</summary>
        public sealed record AlreadyAccepted(IReadOnlyList<RefusedChange> Refused) : Step;

        /// <summary>Judge these changes (the directory decides each claim), then persist the verdicts.</summary>
        public sealed record Judge(AcceptUnitChanges Batch, IReadOnlyList<UnitChange> Unseen) : Step;
    }
}
