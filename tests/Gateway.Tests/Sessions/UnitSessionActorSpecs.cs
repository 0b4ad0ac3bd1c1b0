using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Connections;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Sessions;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Sessions.UnitSessionCommands;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Sessions;

public sealed class UnitSessionActorSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-7";

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly UnitSessionSettings Settings = new(TimeSpan.FromMinutes(5), MaxBacklog: 3, DeliveryWindow: 2, FinishedRetention: 100);

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionActorSpecs() : base(Config)
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
    }

    private IActorRef Session(string unitId = Unit) =>
        Sys.ActorOf(UnitSessionActor.Props(unitId, _directory, Settings));

    private static UnitChange Registered(long seq, string patientId, DateTimeOffset? at = null) =>
        new(seq, $"e-{seq}", UnitEventKinds.PatientRegistered, patientId, at ?? DateTimeOffset.UtcNow, null);

    [Fact]
    public void Attach_answers_the_connection_with_the_first_epoch()
    {
        var session = Session();
        var connection = CreateTestProbe();

        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));

        var attached = connection.ExpectMsg<Attached>();
        Assert.Equal(1, attached.Epoch);
        Assert.Equal(0, attached.LastEventSeq);
    }

    [Fact]
    public void A_repeated_attach_from_the_same_connection_is_answered_not_treated_as_a_new_connection()
    {
        var session = Session();
        var connection = CreateTestProbe();

        // Sent twice before the first is stored (a retry crossing the answer), then again once attached.
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        Assert.Equal(1, connection.ExpectMsg<Attached>().Epoch);
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        Assert.Equal(1, connection.ExpectMsg<Attached>().Epoch);

        // Never superseded by itself, and still the current connection.
        session.Tell(new RouteRead(Unit, "r1", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));
        Assert.Equal("r1", connection.ExpectMsg<UnitConnectionCommands.SendRead>().Read.RequestId);
        connection.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_second_connection_supersedes_the_first()
    {
        var session = Session();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        session.Tell(new Attach(Unit, first.Ref, "test/1", 0));
        first.ExpectMsg<Attached>();
        session.Tell(new Attach(Unit, second.Ref, "test/1", 0));

        Assert.Equal(2, first.ExpectMsg<Superseded>().ByEpoch);
        Assert.Equal(2, second.ExpectMsg<Attached>().Epoch);

        // The old connection detaching late must not take the new one offline.
        session.Tell(new Detach(Unit, first.Ref));
        session.Tell(new RouteRead(Unit, "r1", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));
        Assert.Equal("r1", second.ExpectMsg<UnitConnectionCommands.SendRead>().Read.RequestId);
    }

    [Fact]
    public void Of_two_attaches_stored_at_the_same_time_the_later_wins()
    {
        var session = Session();
        var first = CreateTestProbe();
        var second = CreateTestProbe();

        session.Tell(new Attach(Unit, first.Ref, "test/1", 0));
        session.Tell(new Attach(Unit, second.Ref, "test/1", 0));

        Assert.Equal(2, second.ExpectMsg<Attached>().Epoch);
        first.FishForMessage(m => m is Superseded, TimeSpan.FromSeconds(5));
        session.Tell(new RouteRead(Unit, "r2", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));
        Assert.Equal("r2", second.ExpectMsg<UnitConnectionCommands.SendRead>().Read.RequestId);
        first.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_read_while_offline_fails_at_once()
    {
        var session = Session();

        session.Tell(new RouteRead(Unit, "r1", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));

        var failed = ExpectMsg<ReadReplies.Failed>(TimeSpan.FromSeconds(3));
        Assert.Equal(ReadFailure.UnitOffline, failed.Reason);
        Assert.Equal("r1", failed.RequestId);
    }

    [Fact]
    public void A_read_goes_to_the_connection_and_its_reply_reaches_the_asker()
    {
        var session = Session();
        var connection = CreateTestProbe();
        var asker = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        connection.ExpectMsg<Attached>();

        session.Tell(new RouteRead(Unit, "r9", Operations.ListInvoices, "p-3", DateTimeOffset.UtcNow.AddSeconds(5), "corr"), asker.Ref);

        var send = connection.ExpectMsg<UnitConnectionCommands.SendRead>();
        Assert.Equal(Operations.ListInvoices, send.Read.Operation);
        Assert.Equal("p-3", send.Read.PatientId);
        connection.LastSender.Tell(new ReadReplies.Replied("r9", ReplyStatus.Ok, "{}", null));
        Assert.Equal("r9", asker.ExpectMsg<ReadReplies.Replied>().RequestId);
    }

    [Fact]
    public void A_read_past_its_deadline_is_not_sent_to_the_unit()
    {
        var session = Session();
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        connection.ExpectMsg<Attached>();

        session.Tell(new RouteRead(Unit, "late", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(-1), null));
        session.Tell(new RouteRead(Unit, "fresh", Operations.ListAppointments, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));

        Assert.Equal("fresh", connection.ExpectMsg<UnitConnectionCommands.SendRead>().Read.RequestId);
    }

    [Fact]
    public void Detach_and_termination_take_the_unit_offline()
    {
        var session = Session();
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        connection.ExpectMsg<Attached>();

        session.Tell(new Detach(Unit, connection.Ref));
        session.Tell(new RouteRead(Unit, "r1", Operations.GetRecords, "p-1", DateTimeOffset.UtcNow.AddSeconds(5), null));
        Assert.Equal(ReadFailure.UnitOffline, ExpectMsg<ReadReplies.Failed>().Reason);

        var second = CreateTestProbe();
        session.Tell(new Attach(Unit, second.Ref, "test/1", 0));
        second.ExpectMsg<Attached>();
        Sys.Stop(second.Ref);
        AwaitAssert(() =>
        {
            session.Tell(new GetStatus(Unit));
            Assert.False(ExpectMsg<SessionStatus>().Connected);
        }, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Unit_changes_reach_the_directory_once_and_are_acknowledged()
    {
        var session = Session();
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        var epoch = connection.ExpectMsg<Attached>().Epoch;

        var batch = new AcceptUnitChanges(Unit, epoch, [Registered(1, "p-a"), Registered(2, "p-b")]);
        session.Tell(batch, connection.Ref);

        Assert.Equal(2, connection.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).UpToSeq);
        Assert.Equal(Unit, await _directory.FindUnitAsync("p-a", default));
        Assert.Equal(Unit, await _directory.FindUnitAsync("p-b", default));

        // A resend after a reconnect is acknowledged again without a second effect.
        session.Tell(batch, connection.Ref);
        Assert.Equal(2, connection.ExpectMsg<ChangesAcknowledged>().UpToSeq);
    }

    [Fact]
    public void Changes_from_a_superseded_connection_are_ignored()
    {
        var session = Session();
        var old = CreateTestProbe();
        var current = CreateTestProbe();
        session.Tell(new Attach(Unit, old.Ref, "test/1", 0));
        var oldEpoch = old.ExpectMsg<Attached>().Epoch;
        session.Tell(new Attach(Unit, current.Ref, "test/1", 0));
        current.ExpectMsg<Attached>();

        session.Tell(new AcceptUnitChanges(Unit, oldEpoch, [Registered(1, "p-z")]), old.Ref);

        old.ExpectMsg<Superseded>();
        old.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        current.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Epoch_and_accepted_changes_survive_a_restart()
    {
        var session = Session();
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0));
        var epoch = connection.ExpectMsg<Attached>().Epoch;
        session.Tell(new AcceptUnitChanges(Unit, epoch, [Registered(1, "p-a"), Registered(5, "p-b")]), connection.Ref);
        connection.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));

        Watch(session);
        session.Tell(Stop.Instance);
        ExpectTerminated(session);

        var revived = Session();
        var next = CreateTestProbe();
        revived.Tell(new Attach(Unit, next.Ref, "test/2", 0));
        var attached = next.ExpectMsg<Attached>();
        Assert.Equal(epoch + 1, attached.Epoch);
        Assert.Equal(5, attached.LastEventSeq);
    }

    [Fact]
    public async Task A_transfer_moves_the_patient_and_a_late_departure_from_the_old_unit_does_not_undo_it()
    {
        var unitA = Session("unit-a");
        var unitB = Session("unit-b");
        var a = CreateTestProbe();
        var b = CreateTestProbe();
        unitA.Tell(new Attach("unit-a", a.Ref, "t", 0));
        unitB.Tell(new Attach("unit-b", b.Ref, "t", 0));
        var epochA = a.ExpectMsg<Attached>().Epoch;
        var epochB = b.ExpectMsg<Attached>().Epoch;
        var t0 = DateTimeOffset.UtcNow;

        unitA.Tell(new AcceptUnitChanges("unit-a", epochA, [Registered(1, "p-moving", t0)]), a.Ref);
        a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));
        unitB.Tell(new AcceptUnitChanges("unit-b", epochB, [Registered(1, "p-moving", t0.AddMinutes(1))]), b.Ref);
        b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-moving", default));

        unitA.Tell(new AcceptUnitChanges("unit-a", epochA,
            [new UnitChange(2, "e-2", UnitEventKinds.PatientDeparted, "p-moving", t0.AddMinutes(2), null)]), a.Ref);
        a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-moving", default));
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
