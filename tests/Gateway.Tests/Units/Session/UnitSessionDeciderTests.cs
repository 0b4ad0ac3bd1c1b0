using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using static HealthGateway.Gateway.Units.Session.SessionEffect;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>
/// The session's rules without actors (ADR 27): each test feeds <see cref="UnitSessionDecider"/> commands, plays the
/// journal by handing persisted events back, and asserts the exact replies, events and effects it asked for.
/// </summary>
public sealed class UnitSessionDeciderTests
{
    private const string Unit = "unit-d";
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly UnitSessionSettings Settings = new(TimeSpan.FromMinutes(5), MaxBacklog: 3, DeliveryWindow: 2, FinishedRetention: 100);

    private readonly IActorRef _caller = new FakeRef("caller");
    private long _journalSeq;

    private static UnitSessionDecider NewDecider(UnitSessionSettings? settings = null) => new(Unit, settings ?? Settings, "akka://test@host:1");

    /// <summary>Decides <paramref name="command"/>, stores every event it persists (and what follows) like a journal that works, and returns all effects.</summary>
    private List<SessionEffect> Run(UnitSessionDecider decider, object command, IActorRef? sender = null) =>
        Journal(decider, decider.Decide(command, sender ?? _caller, T0) ?? throw new InvalidOperationException($"{command} not handled"));

    private List<SessionEffect> Journal(UnitSessionDecider decider, IReadOnlyList<SessionEffect> effects)
    {
        var all = new List<SessionEffect>();
        foreach (var effect in effects)
        {
            all.Add(effect);
            if (effect is Persist persist) all.AddRange(Journal(decider, decider.Stored(persist, ++_journalSeq, T0)));
        }
        return all;
    }

    private static T Single<T>(IEnumerable<SessionEffect> effects) => Assert.Single(effects.OfType<T>());

    private static List<object> SentTo(IActorRef to, IEnumerable<SessionEffect> effects) =>
        effects.OfType<Send>().Where(s => s.To.Equals(to)).Select(s => s.Message).ToList();

    private static EnqueueWrite Write(string operationId, string? key = null, string hash = "h1", TimeSpan? wait = null) =>
        new(Unit, operationId, "appointment.book", "patient-1", "{}", TimeSpan.FromHours(1), "app-1", key, hash, wait ?? TimeSpan.Zero, null);

    private UnitSessionDecider Attached(IActorRef connection, UnitSessionSettings? settings = null)
    {
        var decider = NewDecider(settings);
        Run(decider, new Attach(Unit, connection, "UnitNode/1", 0));
        return decider;
    }

    // --- attach -----------------------------------------------------------------------------

    [Fact]
    public void A_new_connection_is_attached_under_a_new_epoch_once_the_epoch_is_stored()
    {
        var decider = NewDecider();
        var connection = new FakeRef("c1");

        var decided = decider.Decide(new Attach(Unit, connection, "UnitNode/1", 0), connection, T0)!;
        var persist = Assert.IsType<Persist>(Assert.Single(decided));
        Assert.Equal(new ConnectionAttached(1, T0, "UnitNode/1"), persist.Event);
        Assert.Null(decider.Connection); // not before it is durable

        var stored = decider.Stored(persist, 1, T0);
        Assert.Equal([new Attached(Unit, 1, 0)], SentTo(connection, stored));
        Assert.Equal(connection, Single<Watch>(stored).Connection);
        Assert.Equal(new SetIdleTimeout(null), Single<SetIdleTimeout>(stored));
        Assert.Equal(connection, decider.Connection);
        Assert.Equal(1, decider.State.Epoch);
    }

    [Fact]
    public void The_same_connection_attaching_again_hears_its_epoch_again_and_nothing_is_stored()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);

        var again = Run(decider, new Attach(Unit, connection, "UnitNode/1", 0), connection);

        Assert.Equal([new Attached(Unit, 1, 0)], SentTo(connection, again));
        Assert.Empty(again.OfType<Persist>());
    }

    [Fact]
    public void A_newer_connection_supersedes_the_current_one_and_a_stale_epoch_is_refused()
    {
        var first = new FakeRef("c1");
        var second = new FakeRef("c2");
        var decider = Attached(first);

        var takeOver = Run(decider, new Attach(Unit, second, "UnitNode/1", 0), second);
        Assert.Equal([new Superseded(Unit, 2)], SentTo(first, takeOver));
        Assert.Equal(first, Single<Unwatch>(takeOver).Connection);
        Assert.Equal([new Attached(Unit, 2, 0)], SentTo(second, takeOver));
        var took = Assert.IsType<UnitSessionNotice.ConnectionTookOver>(takeOver.OfType<Notify>().First().Notice);
        Assert.Equal(first, took.Superseded);

        // The first connection re-attaches after a session move, knowing epoch 1: the newer one keeps the unit.
        var stale = Run(decider, new Attach(Unit, first, "UnitNode/1", 0, KnownEpoch: 1), first);
        Assert.Equal([new Superseded(Unit, 2)], SentTo(first, stale));
        Assert.Empty(stale.OfType<Persist>());
        Assert.Equal(second, decider.Connection);
    }

    [Fact]
    public void A_lost_connection_leaves_the_session_offline_and_passivating_and_reads_are_answered_offline()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);

        var gone = Run(decider, new Detach(Unit, connection), connection);
        Assert.Equal(connection, Single<Unwatch>(gone).Connection);
        Assert.Equal(new SetIdleTimeout(Settings.IdlePassivation), Single<SetIdleTimeout>(gone));
        Assert.Null(decider.Connection);

        var read = Run(decider, new RouteRead(Unit, "r1", "patient.summary", "patient-1", T0.AddSeconds(5), null));
        Assert.Equal([ReadReplies.Offline("r1")], SentTo(_caller, read));
    }

    // --- writes -----------------------------------------------------------------------------

    [Fact]
    public void A_new_write_is_stored_with_the_next_seq_and_its_caller_answered_once_it_is_durable()
    {
        var decider = NewDecider();

        var decided = decider.Decide(Write("op-1"), _caller, T0)!;
        Assert.Equal(new AddWaiter("op-1", _caller, TimeSpan.Zero), decided[0]);
        var persist = Assert.IsType<Persist>(decided[1]);
        var enqueued = Assert.IsType<WriteEnqueued>(persist.Event);
        Assert.Equal((1L, "op-1", T0.AddHours(1)), (enqueued.Write.Seq, enqueued.Write.OperationId, enqueued.Write.ExpiresAt));
        Assert.False(persist.Blocking);

        var answer = Single<AnswerWaiters>(decider.Stored(persist, 1, T0));
        Assert.Equal(OperationStatus.Queued, answer.State.Status); // no connection: nothing delivered
        Assert.True(answer.FinalOnly);
        Assert.Equal(1, decider.State.BacklogCount);
    }

    [Fact]
    public void A_retry_with_the_same_key_is_answered_with_the_stored_write_and_stores_nothing()
    {
        var decider = NewDecider();
        Run(decider, Write("op-1", key: "k1"));

        var retry = Run(decider, Write("op-2", key: "k1"));

        var state = Assert.IsType<OperationState>(Assert.Single(SentTo(_caller, retry)));
        Assert.Equal(("op-1", OperationStatus.Queued), (state.OperationId, state.Status));
        Assert.Empty(retry.OfType<Persist>());
        Assert.Equal(1, decider.State.BacklogCount);
    }

    [Fact]
    public void A_key_reused_for_a_different_request_is_refused_as_a_conflict()
    {
        var decider = NewDecider();
        Run(decider, Write("op-1", key: "k1", hash: "h1"));

        var conflict = Run(decider, Write("op-2", key: "k1", hash: "h2"));

        Assert.Equal([new WriteRefused("op-2", WriteRefusal.IdempotencyConflict, "op-1")], SentTo(_caller, conflict));
        Assert.Empty(conflict.OfType<Persist>());
    }

    [Fact]
    public void A_write_beyond_the_backlog_cap_is_refused_and_counts_writes_still_being_stored()
    {
        var decider = NewDecider();
        Run(decider, Write("op-1"));
        Run(decider, Write("op-2"));
        // The third is decided but not yet stored: it holds its place in the backlog.
        Assert.Single(decider.Decide(Write("op-3"), _caller, T0)!.OfType<Persist>());

        var full = decider.Decide(Write("op-4"), _caller, T0)!;

        Assert.Equal([new Send(_caller, new WriteRefused("op-4", WriteRefusal.BacklogFull))], full);
    }

    // --- deliveries and acks --------------------------------------------------------------------

    [Fact]
    public void Deliveries_fill_the_window_and_an_ack_settles_and_advances_it()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);
        var delivered = new List<DeliveryItem>();
        foreach (var id in new[] { "op-1", "op-2", "op-3" })
            delivered.AddRange(Run(decider, Write(id)).OfType<Deliver>().SelectMany(d => d.Deliveries.Items));

        // Window of two: op-3 waits.
        Assert.Equal([(1L, 0L), (2L, 1L)], delivered.Select(d => (d.Seq, d.PrevSeq)));
        Assert.Equal(2, decider.InFlight);

        var ack = Run(decider, new DeliveriesAcknowledged(Unit, 1, 1, [new Settlement(1, "op-1", OperationStatus.Applied, "{}", null)]), connection);

        var settled = Assert.IsType<WritesSettled>(Single<Persist>(ack).Event);
        Assert.Equal([new Settlement(1, "op-1", OperationStatus.Applied, "{}", null)], settled.Settlements);
        Assert.Equal(OperationStatus.Applied, Single<AnswerWaiters>(ack).State.Status);
        var next = Single<Deliver>(ack).Deliveries;
        Assert.Equal([(3L, 2L)], next.Items.Select(d => (d.Seq, d.PrevSeq)));
        Assert.Equal(1, decider.State.LastSettledSeq);
    }

    [Fact]
    public void Acks_that_name_the_wrong_write_come_from_another_connection_or_epoch_or_repeat_settle_nothing()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);
        Run(decider, Write("op-1"));
        var outcome = new Settlement(1, "op-1", OperationStatus.Applied, null, null);

        Assert.Empty(Run(decider, new DeliveriesAcknowledged(Unit, 1, 1, [outcome with { OperationId = "op-9" }]), connection));
        Assert.Empty(Run(decider, new DeliveriesAcknowledged(Unit, 1, 1, [outcome]), new FakeRef("intruder")));
        Assert.Empty(Run(decider, new DeliveriesAcknowledged(Unit, 7, 1, [outcome]), connection));

        // The outcome is being stored: a repeated ack does not settle it twice.
        var first = decider.Decide(new DeliveriesAcknowledged(Unit, 1, 1, [outcome]), connection, T0)!;
        Assert.Single(first.OfType<Persist>());
        Assert.Empty(decider.Decide(new DeliveriesAcknowledged(Unit, 1, 1, [outcome]), connection, T0)!);
        Assert.Equal(1, decider.State.BacklogCount);
    }

    // --- unit changes -------------------------------------------------------------------------

    private static UnitChange Change(long seq) => new(seq, $"e{seq}", "appointment.changed", "patient-1", T0, null);

    [Fact]
    public void Unit_changes_are_judged_stored_then_acknowledged_and_a_resend_is_acknowledged_again_with_its_refusals()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);
        var batch = new AcceptUnitChanges(Unit, 1, [Change(1), Change(2)]);

        var judge = Single<Judge>(Run(decider, batch, connection));
        Assert.Equal([1L, 2L], judge.Unseen.Select(c => c.Seq));

        var verdicts = new[] { UnitChangeVerdict.Accept(Change(1)), UnitChangeVerdict.Refuse(Change(2), "not_owner", "held by another unit") };
        var stored = Run(decider, new UnitChangesJudged(batch, verdicts));
        var accepted = Assert.IsType<UnitChangesAccepted>(Single<Persist>(stored).Event);
        Assert.Equal((2L, 2), (accepted.UpToSeq, accepted.Count));
        var refused = new RefusedChange(2, "e2", "not_owner", "held by another unit");
        Assert.Equal([Normalized(new ChangesAcknowledged(Unit, 1, 2, [refused]))], SentTo(connection, stored).Select(Normalized));

        var resend = Run(decider, batch, connection);
        Assert.Equal([Normalized(new ChangesAcknowledged(Unit, 1, 2, [refused]))], SentTo(connection, resend).Select(Normalized));
        Assert.Empty(resend.OfType<Judge>());
    }

    [Fact]
    public void A_batch_past_a_gap_closes_the_connection_and_one_from_a_stale_epoch_is_ignored()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection);
        var first = new AcceptUnitChanges(Unit, 1, [Change(1)]);
        Run(decider, first, connection);
        Run(decider, new UnitChangesJudged(first, [UnitChangeVerdict.Accept(Change(1))]));

        var gap = Run(decider, new AcceptUnitChanges(Unit, 1, [Change(5)]), connection);
        var close = Assert.IsType<UnitConnectionCommands.Close>(Assert.Single(SentTo(connection, gap)));
        Assert.Equal(Protocol.CloseCodes.InternalError, close.Code);

        Assert.Empty(Run(decider, new AcceptUnitChanges(Unit, 0, [Change(2)]), connection));
    }

    // Records with list members compare lists by reference: compare acks by value.
    private static object Normalized(object message) =>
        message is ChangesAcknowledged ack ? (ack.UnitId, ack.Epoch, ack.UpToSeq, string.Join(",", ack.Refused ?? [])) : message;

    // --- snapshot policy ------------------------------------------------------------------------

    [Fact]
    public void A_snapshot_is_saved_every_SnapshotEvery_journal_writes_and_not_in_between()
    {
        var decider = NewDecider(Settings with { MaxBacklog = 1_000 });
        var snapshots = new List<long>();
        for (var i = 1; i <= UnitSessionDecider.SnapshotEvery + 1; i++)
        {
            if (Run(decider, Write($"op-{i}")).OfType<SaveSnapshot>().Any()) snapshots.Add(_journalSeq);
        }
        Assert.Equal([(long)UnitSessionDecider.SnapshotEvery], snapshots);
    }

    [Fact]
    public void An_attach_snapshots_when_more_than_SnapshotOnAttachAfter_events_were_written_since_the_last()
    {
        var connection = new FakeRef("c1");
        var decider = Attached(connection); // journal entry 1
        Run(decider, Write("op-1")); // entry 2
        // Entry 3 is this attach: 3 events since no snapshot is not more than 3.
        Assert.Empty(Run(decider, new Attach(Unit, new FakeRef("c0"), "UnitNode/1", 0)).OfType<SaveSnapshot>());
        Assert.Equal(UnitSessionDecider.SnapshotOnAttachAfter, _journalSeq);

        // Entry 4: more than 3, saved at once (no snapshot delay configured).
        var attach = Run(decider, new Attach(Unit, new FakeRef("c2"), "UnitNode/1", 0));
        var snapshot = Single<SaveSnapshot>(attach).Snapshot;
        Assert.Equal((3L, 1), (snapshot.Epoch, snapshot.Backlog!.Count));

        decider.SnapshotStored(_journalSeq);
        Assert.Empty(Run(decider, new Attach(Unit, new FakeRef("c3"), "UnitNode/1", 0)).OfType<SaveSnapshot>());
    }

    [Fact]
    public void With_a_snapshot_delay_the_attach_snapshot_is_scheduled_within_it_and_taken_when_due()
    {
        var delay = TimeSpan.FromSeconds(10);
        var decider = NewDecider(Settings with { SnapshotDelay = delay });
        for (var i = 0; i < 3; i++) Run(decider, new Attach(Unit, new FakeRef($"c{i}"), "UnitNode/1", 0));
        Assert.Equal(3, _journalSeq);

        // Entry 4 is the fourth attach: scheduled between half the delay and the delay, not saved at once.
        var attach = Run(decider, new Attach(Unit, new FakeRef("c9"), "UnitNode/1", 0));
        Assert.Equal(new ScheduleSnapshot(delay / 2, delay), Single<ScheduleSnapshot>(attach));
        Assert.Empty(attach.OfType<SaveSnapshot>());

        Assert.Single(Run(decider, UnitSessionTimers.SnapshotDue.Instance).OfType<SaveSnapshot>());
    }

    // --- delivery stream resync ---------------------------------------------------------------

    [Fact]
    public void A_unit_ahead_of_the_gateway_holds_deliveries_until_a_resync_renumbers_them_above_its_seq()
    {
        var decider = NewDecider();
        Run(decider, Write("op-1"));
        Assert.Equal([new ResyncRefused(Unit, ResyncRefusal.NotConnected)], SentTo(_caller, Run(decider, new ResyncDeliveries(Unit, "admin"))));

        // The unit says it applied seq 10; the gateway never assigned more than 1.
        var connection = new FakeRef("c1");
        var attach = Run(decider, new Attach(Unit, connection, "UnitNode/1", LastAppliedSeq: 10));
        Assert.Equal(DeliveryStreamMismatch.UnitAhead, decider.DeliveryMismatch?.State);
        Assert.Empty(attach.OfType<Deliver>());

        var resync = Run(decider, new ResyncDeliveries(Unit, "admin"));
        var persist = Single<Persist>(resync);
        Assert.True(persist.Blocking); // new writes wait: none gets a seq from the old base
        Assert.Equal("admin", Assert.IsType<DeliveryStreamRebased>(persist.Event).By);
        var resynced = Assert.IsType<DeliveriesResynced>(Assert.Single(SentTo(_caller, resync)));
        Assert.Equal((1, 1), (resynced.Resequenced, resynced.Held));
        Assert.Equal([(11L, 10L)], Single<Deliver>(resync).Deliveries.Items.Select(d => (d.Seq, d.PrevSeq)));
        Assert.Null(decider.DeliveryMismatch);

        Assert.Equal([new ResyncRefused(Unit, ResyncRefusal.InStep)], SentTo(_caller, Run(decider, new ResyncDeliveries(Unit, "admin"))));
    }

    /// <summary>An actor ref that is only a name (connections and callers are values to the decider).</summary>
    private sealed class FakeRef(string name) : MinimalActorRef
    {
        public override ActorPath Path { get; } = new RootActorPath(new Address("akka", "decider-tests")) / name;
        public override IActorRefProvider Provider => throw new NotSupportedException("the decider never sends");
    }
}
