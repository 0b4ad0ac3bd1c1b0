using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>
/// A unit whose store was restored from a backup (behind the gateway) or that applied seqs the gateway never assigned
/// (ahead): deliveries are held and shown to ops until an operator resyncs; then held and new writes flow, each once,
/// in order, and the resync survives a restart.
/// </summary>
public sealed class UnitSessionResyncSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-r";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30); // generous: a loaded CI box took over 10 s for a first attach
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly UnitSessionSettings Settings = new(TimeSpan.FromMinutes(5), MaxBacklog: 50, DeliveryWindow: 10, FinishedRetention: 100,
        DeliveryAckTimeout: TimeSpan.FromMinutes(5)); // no ack-timeout resend mid-test on a loaded machine

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionResyncSpecs() : base(Config) =>
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));

    private IActorRef Session() => Sys.ActorOf(SessionProps.For(Unit, _directory, Settings));

    private void Enqueue(IActorRef session, string operationId)
    {
        var caller = CreateTestProbe();
        session.Tell(new EnqueueWrite(Unit, operationId, Operations.BookAppointment, "p-1", "{}", TimeSpan.FromDays(7),
            "patient:p-1", null, null, TimeSpan.Zero, null), caller.Ref);
        caller.ExpectMsg<OperationState>(Long);
    }

    private long Attach(IActorRef session, TestProbe connection, long lastAppliedSeq)
    {
        session.Tell(new Attach(Unit, connection.Ref, "UnitNode/test", lastAppliedSeq), connection.Ref);
        return connection.ExpectMsg<Attached>(Long).Epoch;
    }

    /// <summary>Acks deliveries as applied and waits until they are settled.</summary>
    private void ApplyAll(IActorRef session, TestProbe connection, long epoch, Deliveries deliveries)
    {
        session.Tell(new DeliveriesAcknowledged(Unit, epoch, deliveries.Items[^1].Seq,
            deliveries.Items.Select(i => new Settlement(i.Seq, i.MessageId, OperationStatus.Applied, null, null)).ToList()), connection.Ref);
        foreach (var item in deliveries.Items)
            AwaitAssert(() => Assert.Equal(OperationStatus.Applied, Operation(session, item.MessageId).Status), Long, TimeSpan.FromMilliseconds(50));
    }

    private OperationState Operation(IActorRef session, string operationId)
    {
        var probe = CreateTestProbe();
        session.Tell(new GetOperation(Unit, operationId), probe.Ref);
        return probe.ExpectMsg<OperationState>(Long);
    }

    private UnitSessionReport Report(IActorRef session)
    {
        var probe = CreateTestProbe();
        session.Tell(new UnitSessionOpsQueries.GetReport(Unit), probe.Ref);
        return probe.ExpectMsg<UnitSessionReport>(Long);
    }

    private object Resync(IActorRef session)
    {
        var probe = CreateTestProbe();
        session.Tell(new ResyncDeliveries(Unit, "admin:ops-test"), probe.Ref);
        return probe.ReceiveOne(Long)!;
    }

    private IActorRef Restart(IActorRef session)
    {
        Watch(session);
        session.Tell(Stop.Instance);
        ExpectTerminated(session, Long);
        Unwatch(session);
        return Session();
    }

    /// <summary>Writes op-1..op-3 applied and settled, then the unit goes away.</summary>
    private IActorRef SessionWithThreeSettledWrites()
    {
        var session = Session();
        var first = CreateTestProbe();
        var epoch = Attach(session, first, lastAppliedSeq: 0);
        for (var i = 1; i <= 3; i++) Enqueue(session, $"op-{i}");
        var delivered = new List<DeliveryItem>();
        while (delivered.Count < 3) delivered.AddRange(first.ExpectMsg<Deliveries>(Long).Items);
        ApplyAll(session, first, epoch, new Deliveries(Unit, epoch, delivered));
        session.Tell(new Detach(Unit, first.Ref));
        return session;
    }

    [Fact]
    public void A_unit_restored_from_an_older_copy_gets_no_deliveries_and_ops_sees_the_settled_writes_it_lost()
    {
        var session = SessionWithThreeSettledWrites();

        // Its store was restored to the point after seq 1: 2 and 3 are gone there.
        var restored = CreateTestProbe();
        Attach(session, restored, lastAppliedSeq: 1);
        Enqueue(session, "op-4");

        restored.ExpectNoMsg(Quiet); // held, not sent to be refused for a missing predecessor
        Assert.Equal(OperationStatus.Queued, Operation(session, "op-4").Status);
        var mismatch = Report(session).DeliveryMismatch!;
        Assert.Equal(DeliveryStreamMismatch.UnitBehind, mismatch.State);
        Assert.Equal(1, mismatch.UnitLastAppliedSeq);
        Assert.Equal(3, mismatch.GatewaySettledSeq);
        Assert.Equal(2, mismatch.MissingAtUnit);
        Assert.Equal(["op-2", "op-3"], mismatch.MissingOperationIds);
        Assert.Equal("restored: unit at seq 1, gateway settled up to 3, 2 settled writes the unit no longer has", mismatch.Describe());
    }

    [Fact]
    public void Resyncing_a_restored_unit_continues_from_its_seq_and_the_lost_writes_stay_settled()
    {
        var session = SessionWithThreeSettledWrites();
        var restored = CreateTestProbe();
        var epoch = Attach(session, restored, lastAppliedSeq: 1);
        Enqueue(session, "op-4");
        restored.ExpectNoMsg(Quiet);

        var resynced = Assert.IsType<DeliveriesResynced>(Resync(session));

        Assert.Equal(["op-2", "op-3"], resynced.Resolved.MissingOperationIds);
        Assert.Equal(0, resynced.Resequenced);
        Assert.Equal(1, resynced.Held);
        var deliveries = restored.ExpectMsg<Deliveries>(Long);
        var item = Assert.Single(deliveries.Items);
        Assert.Equal(("op-4", 4L, 1L), (item.MessageId, item.Seq, item.PrevSeq)); // prevSeq is the unit's own seq: it applies it
        ApplyAll(session, restored, epoch, deliveries);
        Assert.Equal(OperationStatus.Applied, Operation(session, "op-2").Status); // not replayed, still settled as it was
        Assert.Null(Report(session).DeliveryMismatch);
        Assert.Equal("admin:ops-test", Report(session).LastResync!.By);

        // Durable: after a restart the unit (now at 4) is in step and the next write follows on.
        session = Restart(session);
        var again = CreateTestProbe();
        Attach(session, again, lastAppliedSeq: 4);
        Enqueue(session, "op-5");
        var next = Assert.Single(again.ExpectMsg<Deliveries>(Long).Items);
        Assert.Equal(("op-5", 5L, 4L), (next.MessageId, next.Seq, next.PrevSeq));
        Assert.Equal(["op-2", "op-3"], Report(session).LastResync!.Mismatch.MissingOperationIds);
    }

    [Fact]
    public void A_unit_ahead_of_the_gateway_is_held_then_resync_renumbers_unsettled_writes_above_it_in_order()
    {
        // A gateway whose journal lost the unit's history: it assigns seqs from 1, the unit has applied up to 7.
        var session = Session();
        Enqueue(session, "op-a");
        Enqueue(session, "op-b");
        var unit = CreateTestProbe();
        var epoch = Attach(session, unit, lastAppliedSeq: 7);

        unit.ExpectNoMsg(Quiet); // seqs 1 and 2 would be rejected as out_of_order
        var mismatch = Report(session).DeliveryMismatch!;
        Assert.Equal((DeliveryStreamMismatch.UnitAhead, 7L, 2L), (mismatch.State, mismatch.UnitLastAppliedSeq, mismatch.GatewayLastWriteSeq));

        var resynced = Assert.IsType<DeliveriesResynced>(Resync(session));
        Assert.Equal(2, resynced.Resequenced);
        var deliveries = unit.ExpectMsg<Deliveries>(Long);
        Assert.Equal([("op-a", 8L, 7L), ("op-b", 9L, 8L)], deliveries.Items.Select(i => (i.MessageId, i.Seq, i.PrevSeq)));
        Enqueue(session, "op-c");
        var later = Assert.Single(unit.ExpectMsg<Deliveries>(Long).Items);
        Assert.Equal(("op-c", 10L, 9L), (later.MessageId, later.Seq, later.PrevSeq));
        ApplyAll(session, unit, epoch, new Deliveries(Unit, epoch, [.. deliveries.Items, later]));

        // The renumbering is replayed from the journal the same way.
        session = Restart(session);
        var back = CreateTestProbe();
        Attach(session, back, lastAppliedSeq: 10);
        back.ExpectNoMsg(Quiet);
        Assert.Null(Report(session).DeliveryMismatch);
        Enqueue(session, "op-d");
        Assert.Equal(11L, Assert.Single(back.ExpectMsg<Deliveries>(Long).Items).Seq);
    }

    [Fact]
    public void Resync_is_refused_without_a_connection_and_when_the_unit_is_in_step()
    {
        var session = SessionWithThreeSettledWrites();

        Assert.Equal(ResyncRefusal.NotConnected, Assert.IsType<ResyncRefused>(Resync(session)).Reason);

        var unit = CreateTestProbe();
        Attach(session, unit, lastAppliedSeq: 3);
        Assert.Equal(ResyncRefusal.InStep, Assert.IsType<ResyncRefused>(Resync(session)).Reason);
        Assert.Null(Report(session).LastResync);
    }

    [Fact]
    public void A_unit_claiming_a_seq_beyond_any_real_one_is_held_and_not_resynced_to_it()
    {
        var session = Session();
        Enqueue(session, "op-a");
        var liar = CreateTestProbe();
        Attach(session, liar, lastAppliedSeq: long.MaxValue);

        Assert.Equal(ResyncRefusal.SeqOutOfRange, Assert.IsType<ResyncRefused>(Resync(session)).Reason);
        liar.ExpectNoMsg(Quiet);
        Assert.Equal(1, Report(session).Operations.Queued);
        Assert.Equal(OperationStatus.Queued, Operation(session, "op-a").Status);
    }

    [Fact]
    public void The_resync_event_and_a_snapshot_holding_it_round_trip_through_the_serializer()
    {
        var serializer = new UnitSessionSerializer((ExtendedActorSystem)Sys);
        var rebase = new DeliveryStreamRebased(new DeliveryStreamMismatch(DeliveryStreamMismatch.UnitBehind, 1, 3, 4, 2, ["op-2", "op-3"],
            DateTimeOffset.UnixEpoch), DateTimeOffset.UnixEpoch.AddMinutes(1), "admin:ops-test");
        var snapshot = new UnitSessionSnapshot(2, 0, null, null, 4, 3, [], [], UnitStreamSeq: 1, LastRebase: rebase);

        foreach (object evt in new object[] { rebase, snapshot })
        {
            var bytes = serializer.ToBinary(evt);
            var back = serializer.FromBinary(bytes, serializer.Manifest(evt));
            Assert.Equal(bytes, serializer.ToBinary(back));
        }
        var state = new UnitSessionState();
        state.Apply((UnitSessionSnapshot)serializer.FromBinary(serializer.ToBinary(snapshot), serializer.Manifest(snapshot)));
        Assert.Equal((1L, "admin:ops-test"), (state.UnitStreamSeq, state.LastRebase!.By));
        Assert.Null(state.CheckDeliveryStream(1, DateTimeOffset.UnixEpoch));
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
