using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>How a session decides an attach (<see cref="AttachIntake"/>); probes only stand for connections.</summary>
public sealed class AttachIntakeSpecs : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static Attach AttachOf(Akka.Actor.IActorRef connection, long knownEpoch = 0, DateTimeOffset? giveUpAt = null) =>
        new("unit-1", connection, "1.0", 0, knownEpoch, giveUpAt);

    [Fact]
    public void A_new_connection_gets_the_next_epoch_and_its_repeat_is_ignored_while_it_is_stored_then_confirmed()
    {
        var intake = new AttachIntake();
        var state = new UnitSessionState();
        var connection = CreateTestProbe().Ref;

        var store = Assert.IsType<AttachDecision.Store>(intake.Decide(AttachOf(connection), null, state, T0));
        Assert.Equal(1, store.Event.Epoch);
        Assert.IsType<AttachDecision.Ignore>(intake.Decide(AttachOf(connection), null, state, T0));

        Assert.True(intake.Stored(connection, store.Event.Epoch));
        state.Apply(store.Event);
        Assert.IsType<AttachDecision.Confirm>(intake.Decide(AttachOf(connection), connection, state, T0));
    }

    [Fact]
    public void Of_two_attaches_stored_together_the_later_decided_wins_whatever_order_they_are_stored_in()
    {
        var intake = new AttachIntake();
        var state = new UnitSessionState();
        var first = CreateTestProbe().Ref;
        var second = CreateTestProbe().Ref;
        var a = Assert.IsType<AttachDecision.Store>(intake.Decide(AttachOf(first), null, state, T0));
        var b = Assert.IsType<AttachDecision.Store>(intake.Decide(AttachOf(second), null, state, T0));
        Assert.Equal(a.Event.Epoch + 1, b.Event.Epoch);

        Assert.False(intake.Stored(first, a.Event.Epoch)); // decided before the second: superseded by it
        Assert.Equal(b.Event.Epoch, intake.LatestEpoch);
        Assert.True(intake.Stored(second, b.Event.Epoch));
    }

    [Fact]
    public void An_attach_whose_connection_gave_up_is_ignored_and_stores_no_epoch()
    {
        var intake = new AttachIntake();
        var state = new UnitSessionState();
        var late = AttachOf(CreateTestProbe().Ref, giveUpAt: T0.AddSeconds(-1));

        Assert.IsType<AttachDecision.Ignore>(intake.Decide(late, null, state, T0));
        Assert.Equal(1, Assert.IsType<AttachDecision.Store>(intake.Decide(AttachOf(CreateTestProbe().Ref), null, state, T0)).Event.Epoch);
    }

    [Fact]
    public void A_connection_re_attaching_with_an_older_epoch_than_the_sessions_is_superseded()
    {
        var intake = new AttachIntake();
        var state = new UnitSessionState();
        state.Apply(state.Attach("1.0", T0));
        state.Apply(state.Attach("1.0", T0));

        var stale = Assert.IsType<AttachDecision.Supersede>(intake.Decide(AttachOf(CreateTestProbe().Ref, knownEpoch: 1), null, state, T0));
        Assert.Equal(2, stale.ByEpoch);
        Assert.Equal(3, Assert.IsType<AttachDecision.Store>(intake.Decide(AttachOf(CreateTestProbe().Ref, knownEpoch: 2), null, state, T0)).Event.Epoch);
    }
}
