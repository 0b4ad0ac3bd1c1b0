using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>The deliveries of one connection (<see cref="DeliveryWindow"/>), without actors.</summary>
public sealed class DeliveryWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static UnitSessionState Backlog(int count)
    {
        var state = new UnitSessionState();
        for (var seq = 1; seq <= count; seq++)
            state.Apply(new WriteEnqueued(new PendingWrite(seq, $"op-{seq}", Operations.BookAppointment, "p-1", "{}", T0, T0.AddDays(1), "patient:p-1", null, "h", null)));
        return state;
    }

    private static void Settle(UnitSessionState state, DeliveryWindow window, long seq)
    {
        Assert.True(window.BeginSettling(seq));
        state.Apply(new WritesSettled([new Settlement(seq, $"op-{seq}", OperationStatus.Applied, null, null)], T0));
        window.Settled(seq);
    }

    [Fact]
    public void At_most_a_window_is_unsettled_and_each_settlement_makes_room_for_one_more()
    {
        var state = Backlog(10);
        var window = new DeliveryWindow(4);

        Assert.Equal([1L, 2, 3, 4], window.Next(state).Select(w => w.Seq));
        Assert.Empty(window.Next(state));
        Assert.True(window.WasSent(4));
        Assert.False(window.WasSent(5));

        Settle(state, window, 1);
        Settle(state, window, 2);
        Assert.Equal([5L, 6], window.Next(state).Select(w => w.Seq));
        Assert.Equal(4, window.InFlight);
    }

    [Fact]
    public void A_settlement_already_being_stored_is_not_begun_twice_and_a_refused_one_may_be_retried()
    {
        var window = new DeliveryWindow(4);
        window.Next(Backlog(2));

        Assert.True(window.BeginSettling(1));
        Assert.False(window.BeginSettling(1));
        window.SettlingFailed(1);
        Assert.True(window.BeginSettling(1));
    }

    [Fact]
    public void Silence_for_a_whole_check_restarts_the_window_from_the_oldest_unsettled_write()
    {
        var state = Backlog(6);
        var window = new DeliveryWindow(4);
        window.Restart(state.LastSettledSeq);
        window.Next(state);

        Settle(state, window, 1);
        Assert.False(window.RestartIfStalled(state.LastSettledSeq)); // progress since the last check
        Assert.True(window.RestartIfStalled(state.LastSettledSeq));  // none since

        Assert.Equal(0, window.InFlight);
        Assert.Equal([2L, 3, 4, 5], window.Next(state).Select(w => w.Seq));
    }

    [Fact]
    public void A_settlement_being_stored_is_progress_and_an_empty_window_never_stalls()
    {
        var state = Backlog(3);
        var window = new DeliveryWindow(4);
        Assert.False(window.RestartIfStalled(state.LastSettledSeq));

        window.Next(state);
        window.BeginSettling(1);
        Assert.False(window.RestartIfStalled(state.LastSettledSeq));
    }
}
