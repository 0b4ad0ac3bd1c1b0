using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

public sealed class UnitSessionStateTests
{
    private static UnitChange Change(long seq) => new(seq, $"e{seq}", "patient.registered", "p", DateTimeOffset.UnixEpoch, null);

    [Fact]
    public void Each_attach_gets_a_higher_epoch()
    {
        var state = new UnitSessionState();
        var first = state.Attach("a", DateTimeOffset.UtcNow);
        state.Apply(first);
        var second = state.Attach("b", DateTimeOffset.UtcNow);
        Assert.Equal(first.Epoch + 1, second.Epoch);
    }

    [Fact]
    public void Refusals_are_kept_up_to_the_retention_newest_first_kept_and_survive_a_snapshot()
    {
        var state = new UnitSessionState();
        var total = UnitSessionState.RefusalRetention + 100;
        for (long seq = 1; seq <= total; seq++)
            state.Apply(new UnitChangesAccepted(seq, 1, DateTimeOffset.UtcNow, [new RefusedChange(seq, $"e{seq}", "not_owner", "r")]));

        var kept = state.RefusalsBetween(1, total);
        Assert.Equal(UnitSessionState.RefusalRetention, kept.Count);
        Assert.Equal(101, kept[0].Seq); // the oldest went first
        Assert.Empty(state.RefusalsBetween(1, 100));

        var restored = new UnitSessionState();
        restored.Apply(state.ToSnapshot());
        restored.Apply(new UnitChangesAccepted(total, 1, DateTimeOffset.UtcNow, [kept[^1]])); // replayed after the snapshot: not twice
        Assert.Equal(kept, restored.RefusalsBetween(1, total));
    }

    [Fact]
    public void Unseen_drops_changes_already_accepted()
    {
        var state = new UnitSessionState();
        state.Apply(new UnitChangesAccepted(3, 3, DateTimeOffset.UtcNow));
        var unseen = state.Unseen([Change(2), Change(3), Change(4), Change(5)]);
        Assert.Equal([4L, 5L], unseen.Select(c => c.Seq));
    }

    [Fact]
    public void Accepted_seq_never_goes_back()
    {
        var state = new UnitSessionState();
        state.Apply(new UnitChangesAccepted(10, 1, DateTimeOffset.UtcNow));
        state.Apply(new UnitChangesAccepted(4, 1, DateTimeOffset.UtcNow));
        Assert.Equal(10, state.LastEventSeq);
    }

    [Fact]
    public void Snapshot_restores_the_same_state()
    {
        var state = new UnitSessionState();
        state.Apply(new ConnectionAttached(4, DateTimeOffset.UnixEpoch.AddDays(1), "UnitNode/1.0"));
        state.Apply(new UnitChangesAccepted(42, 2, DateTimeOffset.UtcNow));

        var restored = new UnitSessionState();
        restored.Apply(state.ToSnapshot());

        Assert.Equal(state.ToSnapshot() with { Backlog = null, Finished = null }, restored.ToSnapshot() with { Backlog = null, Finished = null });
        Assert.Equal(4, restored.Epoch);
        Assert.Equal(42, restored.LastEventSeq);
    }
}
