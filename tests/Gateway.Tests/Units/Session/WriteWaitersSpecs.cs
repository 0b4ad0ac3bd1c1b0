using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>Who hears what, and when, among callers waiting on writes (<see cref="WriteWaiters"/>); probes are the callers.</summary>
public sealed class WriteWaitersSpecs : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly List<(TimeSpan Wait, WriteWaiters.WaitEnded Ended)> _scheduled = [];

    private WriteWaiters NewWaiters() => new((wait, ended) => { _scheduled.Add((wait, ended)); return new Cancelable(Sys.Scheduler); });

    private static OperationState State(OperationStatus status) =>
        new("op-1", Operations.BookAppointment, "p-1", status, T0, T0.AddDays(1), null, null, null, "patient:p-1");

    [Fact]
    public void A_caller_that_does_not_wait_hears_when_durable_and_one_that_waits_hears_the_outcome()
    {
        var waiters = NewWaiters();
        var quick = CreateTestProbe();
        var patient = CreateTestProbe();
        waiters.Add("op-1", quick.Ref, TimeSpan.Zero);
        waiters.Add("op-1", patient.Ref, TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(_scheduled).Wait);

        waiters.Answer("op-1", State(OperationStatus.Queued), finalOnly: true);
        Assert.Equal(OperationStatus.Queued, quick.ExpectMsg<OperationState>().Status);
        patient.ExpectNoMsg(TimeSpan.FromMilliseconds(50));

        waiters.Answer("op-1", State(OperationStatus.Applied), finalOnly: true);
        Assert.Equal(OperationStatus.Applied, patient.ExpectMsg<OperationState>().Status);
        Assert.Equal(0, waiters.Count);
    }

    [Fact]
    public void When_a_wait_ends_a_durable_write_is_answered_now_and_one_still_being_stored_as_soon_as_it_is_durable()
    {
        var waiters = NewWaiters();
        var caller = CreateTestProbe();
        waiters.Add("op-1", caller.Ref, TimeSpan.FromSeconds(1));

        waiters.Ended(_scheduled[0].Ended, durableState: null); // still being stored
        caller.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
        waiters.Answer("op-1", State(OperationStatus.Queued), finalOnly: true);
        Assert.Equal(OperationStatus.Queued, caller.ExpectMsg<OperationState>().Status);

        var other = CreateTestProbe();
        waiters.Add("op-1", other.Ref, TimeSpan.FromSeconds(1));
        waiters.Ended(_scheduled[1].Ended, State(OperationStatus.Delivered));
        Assert.Equal(OperationStatus.Delivered, other.ExpectMsg<OperationState>().Status);
        Assert.False(waiters.AnyFor("op-1"));
    }

    [Fact]
    public void A_session_that_goes_answers_every_caller_once()
    {
        var waiters = NewWaiters();
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        waiters.Add("op-1", a.Ref, TimeSpan.FromSeconds(30));
        waiters.Add("op-2", b.Ref, TimeSpan.Zero);

        waiters.AnswerAll(id => new WriteRefused(id, WriteRefusal.JournalUnavailable));

        Assert.Equal("op-1", a.ExpectMsg<WriteRefused>().OperationId);
        Assert.Equal("op-2", b.ExpectMsg<WriteRefused>().OperationId);
        Assert.Equal(0, waiters.Count);
        waiters.Answer("op-1", State(OperationStatus.Applied), finalOnly: false);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }
}
