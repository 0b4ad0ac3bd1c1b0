using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>
/// Durable writes through a <see cref="UnitSessionActor"/>: persisted before any answer, delivered in seq
/// order within the window, settled by the unit's acks, waited for, capped, idempotent, and kept across restarts.
/// </summary>
public sealed class UnitSessionWriteSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-w";
    private const string Patient = "p-1";
    private const string Caller = "patient:p-1";

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30); // generous: a loaded CI box took over 10 s for a first attach
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    // No ack-timeout resend within a test: on a loaded machine 10 s between two steps would resend the window mid-assertion.
    private static readonly UnitSessionSettings Defaults = new(TimeSpan.FromMinutes(5), MaxBacklog: 10, DeliveryWindow: 2, FinishedRetention: 100,
        DeliveryAckTimeout: TimeSpan.FromMinutes(5));

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionWriteSpecs() : base(Config)
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
    }

    // --- helpers ----------------------------------------------------------------------------

    private IActorRef Session(UnitSessionSettings? settings = null) =>
        Sys.ActorOf(SessionProps.For(Unit, _directory, settings ?? Defaults));

    private static EnqueueWrite Write(string operationId, string? key = null, string hash = "hash-a", TimeSpan? wait = null,
        string requestedBy = Caller, string operation = Operations.BookAppointment, TimeSpan? ttl = null) =>
        new(Unit, operationId, operation, Patient, $$"""{"op":"{{operationId}}"}""", ttl ?? TimeSpan.FromDays(7),
            requestedBy, key, hash, wait ?? TimeSpan.Zero, $"corr-{operationId}");

    /// <summary>Enqueues with Wait = 0 and returns the answer once the write is durable.</summary>
    private OperationState Enqueue(IActorRef session, string operationId, string? key = null, string hash = "hash-a")
    {
        var caller = CreateTestProbe();
        session.Tell(Write(operationId, key, hash), caller.Ref);
        return caller.ExpectMsg<OperationState>(Long);
    }

    /// <remarks><paramref name="lastAppliedSeq"/>: what the unit reports; below what was settled it counts as restored (deliveries held).</remarks>
    private long Attach(IActorRef session, TestProbe connection, long knownEpoch = 0, long lastAppliedSeq = 0)
    {
        session.Tell(new Attach(Unit, connection.Ref, "UnitNode/test", lastAppliedSeq, knownEpoch), connection.Ref);
        return connection.ExpectMsg<Attached>(Long).Epoch;
    }

    private static void Ack(IActorRef session, TestProbe connection, long epoch, long upToSeq, params Settlement[] outcomes) =>
        session.Tell(new DeliveriesAcknowledged(Unit, epoch, upToSeq, outcomes), connection.Ref);

    private static Settlement Applied(long seq, string operationId, string? resultJson = null) =>
        new(seq, operationId, OperationStatus.Applied, resultJson, null);

    private static Settlement Rejected(long seq, string operationId, string reason) =>
        new(seq, operationId, OperationStatus.Rejected, null, reason);

    private static IEnumerable<long> Seqs(Deliveries d) => d.Items.Select(i => i.Seq);

    private object Query(IActorRef session, string operationId)
    {
        var probe = CreateTestProbe();
        session.Tell(new GetOperation(Unit, operationId), probe.Ref);
        return probe.ReceiveOne(Long)!;
    }

    private OperationState Operation(IActorRef session, string operationId) => Assert.IsType<OperationState>(Query(session, operationId));

    /// <summary>Settlements are persisted asynchronously: poll until the operation reaches the status.</summary>
    private OperationState AwaitStatus(IActorRef session, string operationId, OperationStatus status)
    {
        OperationState? state = null;
        AwaitAssert(() =>
        {
            state = Operation(session, operationId);
            Assert.Equal(status, state.Status);
        }, Long, TimeSpan.FromMilliseconds(50));
        return state!;
    }

    private SessionStatus Status(IActorRef session)
    {
        var probe = CreateTestProbe();
        session.Tell(new GetStatus(Unit), probe.Ref);
        return probe.ExpectMsg<SessionStatus>(Long);
    }

    private IActorRef Restart(IActorRef session, UnitSessionSettings? settings = null)
    {
        Watch(session);
        session.Tell(Stop.Instance);
        ExpectTerminated(session, Long);
        Unwatch(session);
        return Session(settings);
    }

    // --- enqueue ----------------------------------------------------------------------------

    [Fact]
    public void A_write_without_wait_is_answered_queued_once_persisted()
    {
        var session = Session();

        var state = Enqueue(session, "op-1");

        Assert.Equal("op-1", state.OperationId);
        Assert.Equal(OperationStatus.Queued, state.Status);
        Assert.Equal(Operations.BookAppointment, state.Operation);
        Assert.Equal(Patient, state.PatientId);
        Assert.Equal(Caller, state.RequestedBy);
        Assert.Equal(TimeSpan.FromDays(7), state.ExpiresAt - state.CreatedAt);
        Assert.False(state.IsFinal);
        Assert.Null(state.SettledAt);
        Assert.Equal(OperationStatus.Queued, Operation(session, "op-1").Status);
        var status = Status(session);
        Assert.Equal(1, status.Backlog);
        Assert.Equal(1, status.LastWriteSeq);
    }

    [Fact]
    public void An_unknown_operation_is_answered_unknown()
    {
        var session = Session();

        Assert.Equal("op-x", Assert.IsType<OperationUnknown>(Query(session, "op-x")).OperationId);
    }

    // --- delivery ---------------------------------------------------------------------------

    [Fact]
    public void While_offline_nothing_is_delivered_and_attach_delivers_in_seq_order_up_to_the_window()
    {
        var session = Session();
        var earlier = CreateTestProbe();
        Attach(session, earlier);
        session.Tell(new Detach(Unit, earlier.Ref));

        for (var i = 1; i <= 3; i++) Enqueue(session, $"op-{i}");

        earlier.ExpectNoMsg(Quiet);
        Assert.Equal(OperationStatus.Queued, Operation(session, "op-1").Status);

        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        var deliveries = connection.ExpectMsg<Deliveries>(Long);

        Assert.Equal(epoch, deliveries.Epoch);
        Assert.Equal(Unit, deliveries.UnitId);
        Assert.Equal([1L, 2L], Seqs(deliveries));
        Assert.Equal(["op-1", "op-2"], deliveries.Items.Select(i => i.MessageId));
        var first = deliveries.Items[0];
        Assert.Equal(Operations.BookAppointment, first.Operation);
        Assert.Equal(Patient, first.PatientId);
        Assert.Equal("""{"op":"op-1"}""", first.PayloadJson);
        Assert.Equal("corr-op-1", first.CorrelationId);
        Assert.Equal(Operation(session, "op-1").ExpiresAt, first.ExpiresAt);
        connection.ExpectNoMsg(Quiet); // the window (2) is full
        Assert.Equal(OperationStatus.Delivered, Operation(session, "op-2").Status);
        Assert.Equal(OperationStatus.Queued, Operation(session, "op-3").Status);
    }

    [Fact]
    public void A_write_for_a_connected_unit_is_delivered_once_durable()
    {
        var session = Session();
        var connection = CreateTestProbe();
        Attach(session, connection);

        Enqueue(session, "op-1");

        Assert.Equal(["op-1"], connection.ExpectMsg<Deliveries>(Long).Items.Select(i => i.MessageId));
    }

    [Fact]
    public void An_ack_settles_with_the_outcomes_and_frees_the_window()
    {
        var session = Session();
        for (var i = 1; i <= 4; i++) Enqueue(session, $"op-{i}");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        Assert.Equal([1L, 2L], Seqs(connection.ExpectMsg<Deliveries>(Long)));

        Ack(session, connection, epoch, 2,
            Applied(1, "op-1", """{"id":"a-1","status":"booked"}"""),
            Rejected(2, "op-2", "slot_taken"));

        Assert.Equal([3L, 4L], Seqs(connection.ExpectMsg<Deliveries>(Long)));
        var applied = Operation(session, "op-1");
        Assert.Equal(OperationStatus.Applied, applied.Status);
        Assert.Equal("""{"id":"a-1","status":"booked"}""", applied.ResultJson);
        Assert.NotNull(applied.SettledAt);
        Assert.True(applied.IsFinal);
        var rejected = Operation(session, "op-2");
        Assert.Equal(OperationStatus.Rejected, rejected.Status);
        Assert.Equal("slot_taken", rejected.Reason);
        Assert.Null(rejected.ResultJson);
        Assert.Equal(2, Status(session).Backlog);

        // Expired; and an ack that covers op-4 without its outcome does not settle it (only an outcome does).
        Ack(session, connection, epoch, 4, new Settlement(3, "op-3", OperationStatus.Expired, null, "expired"));
        Assert.Equal("expired", AwaitStatus(session, "op-3", OperationStatus.Expired).Reason);
        Assert.Equal(OperationStatus.Delivered, Operation(session, "op-4").Status);
        Ack(session, connection, epoch, 4, Applied(4, "op-4", null));
        Assert.Null(AwaitStatus(session, "op-4", OperationStatus.Applied).ResultJson);
        Assert.Equal(0, Status(session).Backlog);
        connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void An_ack_for_part_of_the_window_delivers_one_more()
    {
        var session = Session();
        for (var i = 1; i <= 4; i++) Enqueue(session, $"op-{i}");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);

        Ack(session, connection, epoch, 1, Applied(1, "op-1"));

        Assert.Equal([3L], Seqs(connection.ExpectMsg<Deliveries>(Long)));
        connection.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void An_ack_from_a_superseded_connection_or_epoch_is_ignored()
    {
        var session = Session(Defaults with { DeliveryWindow = 1 });
        Enqueue(session, "op-1");
        Enqueue(session, "op-2");
        var old = CreateTestProbe();
        var oldEpoch = Attach(session, old);
        old.ExpectMsg<Deliveries>(Long);
        var current = CreateTestProbe();
        var epoch = Attach(session, current);
        Assert.Equal(epoch, old.ExpectMsg<Superseded>(Long).ByEpoch);
        Assert.Equal([1L], Seqs(current.ExpectMsg<Deliveries>(Long)));

        Ack(session, old, oldEpoch, 1, Applied(1, "op-1", """{"from":"old"}"""));     // old connection, old epoch
        Ack(session, old, epoch, 1, Applied(1, "op-1", """{"from":"old"}"""));        // old connection, current epoch
        Ack(session, current, oldEpoch, 1, Applied(1, "op-1", """{"from":"old"}""")); // current connection, old epoch

        current.ExpectNoMsg(Quiet); // the window did not move
        Assert.Equal(OperationStatus.Delivered, Operation(session, "op-1").Status);

        // Had any of those been taken, it would have settled op-1 first (acks are persisted in order).
        Ack(session, current, epoch, 1, Rejected(1, "op-1", "slot_taken"));
        Assert.Equal([2L], Seqs(current.ExpectMsg<Deliveries>(Long)));
        var settled = Operation(session, "op-1");
        Assert.Equal(OperationStatus.Rejected, settled.Status);
        Assert.Equal("slot_taken", settled.Reason);
    }

    [Fact]
    public void A_second_attach_redelivers_everything_unsettled()
    {
        var session = Session();
        for (var i = 1; i <= 3; i++) Enqueue(session, $"op-{i}");
        var first = CreateTestProbe();
        var epoch = Attach(session, first);
        first.ExpectMsg<Deliveries>(Long);
        Ack(session, first, epoch, 1, Applied(1, "op-1"));
        Assert.Equal([3L], Seqs(first.ExpectMsg<Deliveries>(Long)));

        var second = CreateTestProbe();
        var secondEpoch = Attach(session, second, lastAppliedSeq: 1);

        first.ExpectMsg<Superseded>(Long);
        var redelivered = second.ExpectMsg<Deliveries>(Long);
        Assert.Equal(secondEpoch, redelivered.Epoch);
        Assert.Equal([2L, 3L], Seqs(redelivered));
        second.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void The_current_connection_attaching_again_keeps_its_epoch_and_is_not_sent_its_deliveries_twice()
    {
        var session = Session();
        Enqueue(session, "op-1");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);

        // A repeated attach (the connection retries until answered) is answered with the same epoch.
        Assert.Equal(epoch, Attach(session, connection, knownEpoch: epoch));
        connection.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_connection_attaching_to_its_restarted_session_gets_everything_unsettled_again()
    {
        var session = Session();
        Enqueue(session, "op-1");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);

        Watch(session);
        Sys.Stop(session);
        ExpectTerminated(session);
        var restarted = Session();

        var again = Attach(restarted, connection, knownEpoch: epoch);
        Assert.Equal(epoch + 1, again);
        var redelivered = connection.ExpectMsg<Deliveries>(Long);
        Assert.Equal(again, redelivered.Epoch);
        Assert.Equal([1L], Seqs(redelivered));
    }

    [Fact]
    public void After_the_connection_goes_away_operations_read_queued_again()
    {
        var session = Session();
        Enqueue(session, "op-1");
        var connection = CreateTestProbe();
        Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        Assert.Equal(OperationStatus.Delivered, Operation(session, "op-1").Status);

        session.Tell(new Detach(Unit, connection.Ref));

        Assert.Equal(OperationStatus.Queued, Operation(session, "op-1").Status);
    }

    // --- backlog cap ------------------------------------------------------------------------

    [Fact]
    public void Beyond_the_backlog_cap_a_write_is_refused_and_nothing_is_stored()
    {
        var session = Session(Defaults with { MaxBacklog = 3, DeliveryWindow = 10 });
        for (var i = 1; i <= 3; i++) Enqueue(session, $"op-{i}");

        session.Tell(Write("op-4"));

        var refused = ExpectMsg<WriteRefused>(Long);
        Assert.Equal("op-4", refused.OperationId);
        Assert.Equal(WriteRefusal.BacklogFull, refused.Reason);
        Assert.IsType<OperationUnknown>(Query(session, "op-4"));
        var status = Status(session);
        Assert.Equal(3, status.Backlog);
        Assert.Equal(3, status.LastWriteSeq);

        // Settling frees room; the refused write used no seq.
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        Ack(session, connection, epoch, 1, Applied(1, "op-1"));
        AwaitStatus(session, "op-1", OperationStatus.Applied);
        Enqueue(session, "op-5");
        var next = connection.ExpectMsg<Deliveries>(Long);
        Assert.Equal(4, next.Items.Single().Seq);
        Assert.Equal("op-5", next.Items.Single().MessageId);
    }

    [Fact]
    public void The_backlog_cap_counts_writes_whose_journal_write_is_still_in_flight()
    {
        var session = Session(Defaults with { MaxBacklog = 3 });

        for (var i = 1; i <= 5; i++) session.Tell(Write($"op-{i}"));

        var answers = ReceiveN(5, Long);
        Assert.Equal(3, answers.OfType<OperationState>().Count(s => s.Status == OperationStatus.Queued));
        Assert.Equal(2, answers.OfType<WriteRefused>().Count(r => r.Reason == WriteRefusal.BacklogFull));
        Assert.Equal(3, Status(session).Backlog);
    }

    // --- idempotency ------------------------------------------------------------------------

    [Fact]
    public void The_same_key_and_request_answer_the_same_operation()
    {
        var session = Session();
        var first = Enqueue(session, "op-1", key: "key-1");

        var again = Enqueue(session, "op-2", key: "key-1");

        Assert.Equal("op-1", first.OperationId);
        Assert.Equal("op-1", again.OperationId);
        Assert.IsType<OperationUnknown>(Query(session, "op-2"));
        Assert.Equal(1, Status(session).Backlog);
    }

    [Fact]
    public void The_same_key_with_a_different_request_is_a_conflict()
    {
        var session = Session();
        Enqueue(session, "op-1", key: "key-1", hash: "hash-a");

        session.Tell(Write("op-2", key: "key-1", hash: "hash-b"));
        var refused = ExpectMsg<WriteRefused>(Long);
        session.Tell(Write("op-3", key: "key-1", hash: "hash-a", operation: Operations.CancelAppointment));
        var otherOperation = ExpectMsg<WriteRefused>(Long);

        Assert.Equal(WriteRefusal.IdempotencyConflict, refused.Reason);
        Assert.Equal("op-2", refused.OperationId);
        Assert.Equal("op-1", refused.ExistingOperationId);
        Assert.Equal(WriteRefusal.IdempotencyConflict, otherOperation.Reason);
        Assert.IsType<OperationUnknown>(Query(session, "op-2"));
        Assert.Equal(1, Status(session).Backlog);
    }

    [Fact]
    public void Retries_arriving_before_the_first_is_durable_get_the_same_operation()
    {
        var session = Session();

        session.Tell(Write("op-1", key: "key-1"));
        session.Tell(Write("op-2", key: "key-1"));
        session.Tell(Write("op-3", key: "key-1", hash: "hash-b"));

        var answers = ReceiveN(3, Long);
        Assert.Equal(["op-1", "op-1"], answers.OfType<OperationState>().Select(s => s.OperationId));
        Assert.Equal("op-1", answers.OfType<WriteRefused>().Single().ExistingOperationId);
        Assert.Equal(1, Status(session).Backlog);
    }

    [Fact]
    public void Keys_are_scoped_to_the_caller()
    {
        var session = Session();
        Enqueue(session, "op-1", key: "key-1");

        var other = CreateTestProbe();
        session.Tell(Write("op-2", key: "key-1", requestedBy: "patient:p-2"), other.Ref);

        Assert.Equal("op-2", other.ExpectMsg<OperationState>(Long).OperationId);
        Assert.Equal(2, Status(session).Backlog);
    }

    [Fact]
    public void A_retry_of_a_settled_operation_answers_its_outcome()
    {
        var session = Session();
        Enqueue(session, "op-1", key: "key-1");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        Ack(session, connection, epoch, 1, Applied(1, "op-1", """{"id":"a-1"}"""));
        AwaitStatus(session, "op-1", OperationStatus.Applied);

        var retry = Enqueue(session, "op-2", key: "key-1");

        Assert.Equal("op-1", retry.OperationId);
        Assert.Equal(OperationStatus.Applied, retry.Status);
        Assert.Equal("""{"id":"a-1"}""", retry.ResultJson);
        connection.ExpectNoMsg(Quiet); // nothing new for the unit
    }

    // --- waiting for the outcome ------------------------------------------------------------

    [Fact]
    public void A_caller_that_waits_gets_the_outcome_when_the_ack_comes_in_time()
    {
        var session = Session();
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        var caller = CreateTestProbe();

        session.Tell(Write("op-1", wait: TimeSpan.FromSeconds(20)), caller.Ref);
        var item = connection.ExpectMsg<Deliveries>(Long).Items.Single();
        caller.ExpectNoMsg(Quiet); // durable, but the caller waits for the outcome
        Ack(session, connection, epoch, item.Seq, Applied(item.Seq, item.MessageId, """{"id":"a-1"}"""));

        var answer = caller.ExpectMsg<OperationState>(Long);
        Assert.Equal(OperationStatus.Applied, answer.Status);
        Assert.Equal("""{"id":"a-1"}""", answer.ResultJson);
        caller.ExpectNoMsg(Quiet); // one answer only
    }

    [Fact]
    public void A_caller_that_waits_gets_a_rejection_as_the_outcome()
    {
        var session = Session();
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        var caller = CreateTestProbe();

        session.Tell(Write("op-1", wait: TimeSpan.FromSeconds(20)), caller.Ref);
        connection.ExpectMsg<Deliveries>(Long);
        Ack(session, connection, epoch, 1, Rejected(1, "op-1", "already_paid"));

        var answer = caller.ExpectMsg<OperationState>(Long);
        Assert.Equal(OperationStatus.Rejected, answer.Status);
        Assert.Equal("already_paid", answer.Reason);
    }

    [Fact]
    public void When_the_wait_runs_out_a_connected_caller_gets_delivered()
    {
        var session = Session();
        var connection = CreateTestProbe();
        Attach(session, connection);
        var caller = CreateTestProbe();

        session.Tell(Write("op-1", wait: TimeSpan.FromMilliseconds(500)), caller.Ref);

        connection.ExpectMsg<Deliveries>(Long);
        var answer = caller.ExpectMsg<OperationState>(Long);
        Assert.Equal(OperationStatus.Delivered, answer.Status);
        caller.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void When_the_wait_runs_out_an_offline_caller_gets_queued()
    {
        var session = Session();
        var caller = CreateTestProbe();

        session.Tell(Write("op-1", wait: TimeSpan.FromMilliseconds(500)), caller.Ref);

        Assert.Equal(OperationStatus.Queued, caller.ExpectMsg<OperationState>(Long).Status);
    }

    [Fact]
    public void A_waiting_retry_of_a_pending_operation_also_gets_the_outcome()
    {
        var session = Session();
        Enqueue(session, "op-1", key: "key-1");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        var retry = CreateTestProbe();

        session.Tell(Write("op-2", key: "key-1", wait: TimeSpan.FromSeconds(20)), retry.Ref);
        retry.ExpectNoMsg(Quiet);
        Ack(session, connection, epoch, 1, Applied(1, "op-1"));

        var answer = retry.ExpectMsg<OperationState>(Long);
        Assert.Equal("op-1", answer.OperationId);
        Assert.Equal(OperationStatus.Applied, answer.Status);
    }

    // --- restart ------------------------------------------------------------------------------

    [Fact]
    public void Backlog_and_finished_operations_survive_a_restart()
    {
        var session = Session();
        Enqueue(session, "op-1", key: "key-1");
        Enqueue(session, "op-2", key: "key-2");
        Enqueue(session, "op-3");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        Ack(session, connection, epoch, 1, Applied(1, "op-1", """{"id":"a-1"}"""));
        Assert.Equal([3L], Seqs(connection.ExpectMsg<Deliveries>(Long)));

        var revived = Restart(session);

        var applied = Operation(revived, "op-1");
        Assert.Equal(OperationStatus.Applied, applied.Status);
        Assert.Equal("""{"id":"a-1"}""", applied.ResultJson);
        Assert.Equal(OperationStatus.Queued, Operation(revived, "op-2").Status);
        var status = Status(revived);
        Assert.Equal(2, status.Backlog);
        Assert.Equal(3, status.LastWriteSeq);
        // Keys are remembered across the restart, for settled and pending operations.
        Assert.Equal("op-1", Enqueue(revived, "op-9", key: "key-1").OperationId);
        Assert.Equal("op-2", Enqueue(revived, "op-9", key: "key-2").OperationId);

        var next = CreateTestProbe();
        var nextEpoch = Attach(revived, next, lastAppliedSeq: 1);
        Assert.Equal(epoch + 1, nextEpoch);
        Assert.Equal([2L, 3L], Seqs(next.ExpectMsg<Deliveries>(Long)));

        // A late ack for the seq settled before the restart changes nothing and frees no window.
        Ack(revived, next, nextEpoch, 1, Rejected(1, "op-1", "late"));
        Enqueue(revived, "op-4");
        next.ExpectNoMsg(Quiet);
        var still = Operation(revived, "op-1");
        Assert.Equal(OperationStatus.Applied, still.Status);
        Assert.Equal("""{"id":"a-1"}""", still.ResultJson);
        Assert.Null(still.Reason);

        // Seqs go on from where they were.
        Ack(revived, next, nextEpoch, 2, Applied(2, "op-2"));
        var more = next.ExpectMsg<Deliveries>(Long).Items.Single();
        Assert.Equal(4, more.Seq);
        Assert.Equal("op-4", more.MessageId);
    }

    [Fact]
    public void A_session_restored_from_a_snapshot_keeps_backlog_finished_and_seqs()
    {
        var settings = Defaults with { MaxBacklog = 1_000 };
        var session = Session(settings);
        // Journal writes 1-150: writes; 151: attach; 152: one settlement of seqs 1-10; 153-200: writes (snapshot); 201: a write.
        for (var i = 1; i <= 150; i++) session.Tell(Write($"op-{i}"));
        Assert.All(ReceiveN(150, Long), a => Assert.Equal(OperationStatus.Queued, Assert.IsType<OperationState>(a).Status));
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);
        Ack(session, connection, epoch, 10,
            [Rejected(1, "op-1", "slot_taken"), Applied(2, "op-2", """{"id":"a-2"}"""),
             .. Enumerable.Range(3, 8).Select(i => Applied(i, $"op-{i}", null))]);
        Assert.Equal([11L, 12L], Seqs(connection.ExpectMsg<Deliveries>(Long)));
        for (var i = 151; i <= 199; i++) session.Tell(Write($"op-{i}"));
        Assert.All(ReceiveN(49, Long), a => Assert.IsType<OperationState>(a));

        var snapshots = Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        var journal = Persistence.Instance.Apply(Sys).JournalFor(null);
        AwaitAssert(() =>
        {
            var probe = CreateTestProbe(); // fresh each try: replies to an earlier try must not be read here
            snapshots.Tell(new LoadSnapshot($"unit-session-{Unit}", SnapshotSelectionCriteria.Latest, long.MaxValue), probe.Ref);
            Assert.Equal(200, probe.ExpectMsg<LoadSnapshotResult>(Long).Snapshot?.Metadata.SequenceNr);
            // Events up to the snapshot are deleted.
            journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, $"unit-session-{Unit}", probe.Ref), probe.Ref);
            Assert.Equal(201, probe.ExpectMsg<ReplayedMessage>(Long).Persistent.SequenceNr);
            probe.FishForMessage(m => m is RecoverySuccess, Long);
        }, Long, TimeSpan.FromMilliseconds(100));

        var revived = Restart(session, settings);

        var status = Status(revived);
        Assert.Equal(199 - 10, status.Backlog);
        Assert.Equal(199, status.LastWriteSeq);
        var rejected = Operation(revived, "op-1");
        Assert.Equal(OperationStatus.Rejected, rejected.Status);
        Assert.Equal("slot_taken", rejected.Reason);
        Assert.Equal("""{"id":"a-2"}""", Operation(revived, "op-2").ResultJson);
        Assert.Equal(OperationStatus.Applied, Operation(revived, "op-10").Status);
        Assert.Equal(OperationStatus.Queued, Operation(revived, "op-199").Status);

        var next = CreateTestProbe();
        Attach(revived, next, lastAppliedSeq: 10);
        Assert.Equal([11L, 12L], Seqs(next.ExpectMsg<Deliveries>(Long)));
        Enqueue(revived, "op-200");
        Assert.Equal(200, Status(revived).LastWriteSeq);
    }

    // --- known bugs (skipped so the suite stays green; remove Skip to reproduce) ----------------

    [Fact]
    public void After_lost_acks_a_cumulative_ack_does_not_turn_a_rejected_write_into_applied()
    {
        var session = Session(Defaults with { DeliveryWindow = 3 });
        for (var i = 1; i <= 3; i++) Enqueue(session, $"op-{i}");
        var lost = CreateTestProbe();
        Attach(session, lost);
        lost.ExpectMsg<Deliveries>(Long);
        // The unit applies 1, rejects 2 (already_paid), applies 3; its acks are lost with the socket.
        session.Tell(new Detach(Unit, lost.Ref));

        var connection = CreateTestProbe();
        var epoch = Attach(session, connection); // hello.lastAppliedSeq = 3
        Assert.Equal([1L, 2L, 3L], Seqs(connection.ExpectMsg<Deliveries>(Long)));
        // The unit's delivery loop picks up redelivery 1 alone: stored outcome, upToSeq = lastAppliedSeq = 3.
        Ack(session, connection, epoch, 3, Applied(1, "op-1", """{"id":"a-1"}"""));
        // Then 2 and 3 with their stored outcomes.
        Ack(session, connection, epoch, 3, Rejected(2, "op-2", "already_paid"), Applied(3, "op-3", """{"id":"a-3"}"""));

        var second = AwaitStatus(session, "op-2", OperationStatus.Rejected); // actual: Applied, reason null
        Assert.Equal("already_paid", second.Reason);
        Assert.Equal("""{"id":"a-3"}""", AwaitStatus(session, "op-3", OperationStatus.Applied).ResultJson); // actual: null
    }

    // --- retention ----------------------------------------------------------------------------

    [Fact]
    public void Retention_drops_the_oldest_finished_operations_and_forgets_their_keys()
    {
        var session = Session(Defaults with { FinishedRetention = 2, DeliveryWindow = 10 });
        for (var i = 1; i <= 4; i++) Enqueue(session, $"op-{i}", key: $"key-{i}");
        var connection = CreateTestProbe();
        var epoch = Attach(session, connection);
        connection.ExpectMsg<Deliveries>(Long);

        Ack(session, connection, epoch, 1, Applied(1, "op-1"));
        AwaitStatus(session, "op-1", OperationStatus.Applied);
        Ack(session, connection, epoch, 3, Applied(2, "op-2"), Applied(3, "op-3"));
        AwaitStatus(session, "op-3", OperationStatus.Applied);

        Assert.IsType<OperationUnknown>(Query(session, "op-1"));
        Assert.Equal(OperationStatus.Applied, Operation(session, "op-2").Status);
        Assert.Equal(OperationStatus.Applied, Operation(session, "op-3").Status);
        Assert.Equal(OperationStatus.Delivered, Operation(session, "op-4").Status); // pending: never dropped

        // The dropped operation's key is free again: the same request makes a new operation.
        Assert.Equal("op-5", Enqueue(session, "op-5", key: "key-1").OperationId);
        Assert.Equal("op-3", Enqueue(session, "op-6", key: "key-3").OperationId);
        Assert.Equal("op-4", Enqueue(session, "op-7", key: "key-4").OperationId);
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
