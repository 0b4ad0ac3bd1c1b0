using HealthGateway.Gateway.Sessions;
using static HealthGateway.Gateway.Sessions.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Sessions;

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
