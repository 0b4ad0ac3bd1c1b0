using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>The order and fate of a unit's change batches (<see cref="UnitChangeQueue"/>), without actors.</summary>
public sealed class UnitChangeQueueTests
{
    private static UnitChange Change(long seq) => new(seq, $"e{seq}", "patient.registered", "p", DateTimeOffset.UnixEpoch, null);

    private static AcceptUnitChanges Batch(params long[] seqs) => new("unit-1", 1, seqs.Select(Change).ToList());

    [Fact]
    public void One_batch_is_judged_at_a_time_in_arrival_order()
    {
        var queue = new UnitChangeQueue();
        var state = new UnitSessionState();
        queue.Enqueue(Batch(1, 2));
        queue.Enqueue(Batch(3));

        var first = Assert.IsType<UnitChangeQueue.Step.Judge>(queue.Next(state));
        Assert.Equal([1L, 2], first.Unseen.Select(c => c.Seq));
        Assert.Null(queue.Next(state)); // the first is still being judged

        state.Apply(new UnitChangesAccepted(2, 2, DateTimeOffset.UnixEpoch, null));
        queue.Done();
        Assert.Equal([3L], Assert.IsType<UnitChangeQueue.Step.Judge>(queue.Next(state)).Unseen.Select(c => c.Seq));
    }

    [Fact]
    public void A_resend_of_accepted_changes_is_acknowledged_again_with_its_refusals_and_only_unseen_ones_are_judged()
    {
        var queue = new UnitChangeQueue();
        var state = new UnitSessionState();
        state.Apply(new UnitChangesAccepted(3, 3, DateTimeOffset.UnixEpoch, [new RefusedChange(2, "e2", "not_owner", "held by another unit")]));

        queue.Enqueue(Batch(1, 2, 3));
        Assert.Equal(2, Assert.Single(Assert.IsType<UnitChangeQueue.Step.AlreadyAccepted>(queue.Next(state)).Refused).Seq);

        queue.Enqueue(Batch(3, 4));
        Assert.Equal([4L], Assert.IsType<UnitChangeQueue.Step.Judge>(queue.Next(state)).Unseen.Select(c => c.Seq));
    }

    [Fact]
    public void A_batch_past_a_gap_is_not_judged_and_what_waited_behind_it_is_dropped()
    {
        var queue = new UnitChangeQueue();
        var state = new UnitSessionState();
        state.Apply(new UnitChangesAccepted(3, 3, DateTimeOffset.UnixEpoch, null));
        queue.Enqueue(Batch(5));
        queue.Enqueue(Batch(6));

        var gap = Assert.IsType<UnitChangeQueue.Step.Gap>(queue.Next(state));
        Assert.Equal((3L, 5L), (gap.AcceptedUpTo, gap.NextSeq));
        Assert.Null(queue.Next(state));
    }

    [Fact]
    public void A_session_that_accepted_nothing_takes_the_units_first_seq_as_it_comes()
    {
        var queue = new UnitChangeQueue();
        queue.Enqueue(Batch(40, 41));

        Assert.IsType<UnitChangeQueue.Step.Judge>(queue.Next(new UnitSessionState()));
    }
}
