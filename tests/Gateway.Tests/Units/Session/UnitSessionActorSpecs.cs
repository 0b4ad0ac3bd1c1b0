using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

public sealed class UnitSessionActorSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-7";

    private static readonly string Config = """
        akka.loglevel = WARNING
        # Generous: under a loaded CI box the first spec's attach took 20 s (JIT and test hosts starting side by side).
        akka.test.single-expect-default = 20s
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly UnitSessionSettings Settings = new(TimeSpan.FromMinutes(5), MaxBacklog: 3, DeliveryWindow: 2, FinishedRetention: 100,
        DeliveryAckTimeout: TimeSpan.FromMinutes(5)); // no ack-timeout resend mid-test on a loaded machine

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionActorSpecs() : base(Config)
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
    }

    private IActorRef Session(string unitId = Unit) =>
        Sys.ActorOf(SessionProps.For(unitId, _directory, Settings));

    private static UnitChange Registered(long seq, string patientId, DateTimeOffset? at = null) =>
        new(seq, $"e-{seq}", UnitEventKinds.PatientRegistered, patientId, at ?? DateTimeOffset.UtcNow, """{"displayName":"Test P."}""");

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
        connection.LastSender.Tell(new ReadReplies.Replied("r9", ReplyStatus.Ok, "{}"u8.ToArray(), null));
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
    public async Task A_claim_on_another_units_patient_is_refused_acknowledged_and_changes_nothing()
    {
        var (unitA, a, epochA) = Attached("unit-a");
        var (unitB, b, epochB) = Attached("unit-b");
        unitA.Tell(new AcceptUnitChanges("unit-a", epochA, [Registered(1, "p-held")]), a.Ref);
        Assert.Null(a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused);

        // Unit B's clock is far ahead: a unit's time never decides ownership.
        unitB.Tell(new AcceptUnitChanges("unit-b", epochB,
            [Registered(1, "p-held", DateTimeOffset.UtcNow.AddYears(5)), Change(2, UnitEventKinds.AppointmentBooked, "p-held", """{"id":"apt-1"}""")]), b.Ref);
        var ack = b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));

        Assert.Equal(2, ack.UpToSeq); // acknowledged, so the unit does not resend it forever
        Assert.Equal([1L, 2L], ack.Refused!.Select(r => r.Seq));
        Assert.All(ack.Refused!, r => Assert.Equal(EventRefusalCodes.NotOwner, r.Code));
        Assert.Equal("unit-a", await _directory.FindUnitAsync("p-held", default));
    }

    [Fact]
    public async Task A_resent_batch_hears_its_refusals_again()
    {
        var (unitA, a, epochA) = Attached("unit-a");
        var (unitB, b, epochB) = Attached("unit-b");
        unitA.Tell(new AcceptUnitChanges("unit-a", epochA, [Registered(1, "p-held")]), a.Ref);
        a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));
        var batch = new AcceptUnitChanges("unit-b", epochB, [Registered(1, "p-own"), Registered(2, "p-held")]);
        unitB.Tell(batch, b.Ref);
        var first = b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));

        unitB.Tell(batch, b.Ref); // the ack was lost with the connection: the unit resends
        var again = b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));

        Assert.Equal(first.Refused, again.Refused);
        Assert.Equal(2, again.Refused!.Single().Seq);
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-own", default));
    }

    [Fact]
    public async Task A_released_patient_moves_when_the_named_unit_registers_and_the_old_unit_can_no_longer_touch_it()
    {
        var (unitA, a, epochA) = Attached("unit-a");
        var (unitB, b, epochB) = Attached("unit-b");
        var (unitC, c, epochC) = Attached("unit-c");
        unitA.Tell(new AcceptUnitChanges("unit-a", epochA,
            [Registered(1, "p-moving"), Change(2, UnitEventKinds.PatientReleased, "p-moving", """{"toUnitId":"unit-b"}""")]), a.Ref);
        Assert.Null(a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused);
        Assert.Equal("unit-a", await _directory.FindUnitAsync("p-moving", default)); // still routed there until B registers

        // The release names B: C cannot use it.
        unitC.Tell(new AcceptUnitChanges("unit-c", epochC, [Registered(1, "p-moving")]), c.Ref);
        Assert.Equal(EventRefusalCodes.NotOwner, c.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused!.Single().Code);

        unitB.Tell(new AcceptUnitChanges("unit-b", epochB, [Registered(1, "p-moving")]), b.Ref);
        Assert.Null(b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused);
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-moving", default));

        unitA.Tell(new AcceptUnitChanges("unit-a", epochA,
            [Change(3, UnitEventKinds.PatientDeparted, "p-moving", null), Registered(4, "p-moving")]), a.Ref);
        Assert.Equal(2, a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused!.Count);
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-moving", default));
    }

    [Fact]
    public async Task A_registration_that_arrives_before_the_owners_release_takes_effect_when_the_release_comes()
    {
        var (unitA, a, epochA) = Attached("unit-a");
        var (unitB, b, epochB) = Attached("unit-b");
        var (unitC, c, epochC) = Attached("unit-c");
        unitA.Tell(new AcceptUnitChanges("unit-a", epochA, [Registered(1, "p-early")]), a.Ref);
        a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));

        // The new unit is quicker than the old one: refused, but kept as a claim. Another unit's claim changes nothing.
        unitB.Tell(new AcceptUnitChanges("unit-b", epochB, [Registered(1, "p-early")]), b.Ref);
        Assert.Equal(EventRefusalCodes.NotOwner, b.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused!.Single().Code);
        unitC.Tell(new AcceptUnitChanges("unit-c", epochC, [Registered(1, "p-early")]), c.Ref);
        c.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5));
        Assert.Equal("unit-a", await _directory.FindUnitAsync("p-early", default));

        unitA.Tell(new AcceptUnitChanges("unit-a", epochA, [Change(2, UnitEventKinds.PatientReleased, "p-early", """{"toUnitId":"unit-b"}""")]), a.Ref);
        Assert.Null(a.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused);
        Assert.Equal("unit-b", await _directory.FindUnitAsync("p-early", default));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{"name":"Ada"}""")]
    [InlineData("""{"displayName":"  "}""")]
    public async Task A_registration_without_a_valid_payload_is_refused(string? payload)
    {
        var (unit, probe, epoch) = Attached("unit-a");
        unit.Tell(new AcceptUnitChanges("unit-a", epoch, [Change(1, UnitEventKinds.PatientRegistered, "p-nameless", payload)]), probe.Ref);
        Assert.Equal(EventRefusalCodes.InvalidPayload, probe.ExpectMsg<ChangesAcknowledged>(TimeSpan.FromSeconds(5)).Refused!.Single().Code);
        Assert.Null(await _directory.FindUnitAsync("p-nameless", default));
    }

    private (IActorRef Session, Akka.TestKit.TestProbe Connection, long Epoch) Attached(string unitId)
    {
        var session = Session(unitId);
        var connection = CreateTestProbe();
        session.Tell(new Attach(unitId, connection.Ref, "t", 0));
        return (session, connection, connection.ExpectMsg<Attached>().Epoch);
    }

    private static UnitChange Change(long seq, string kind, string patientId, string? payload) =>
        new(seq, $"e-{seq}", kind, patientId, DateTimeOffset.UtcNow, payload);

    // In a reconnect storm an attach can wait behind a slow recovery longer than its connection waits for the answer:
    // its epoch must not be stored then (the socket is closed; every stored epoch lengthens later recoveries).
    [Fact]
    public void An_attach_reached_after_its_connection_gave_up_stores_no_epoch()
    {
        var session = Session();
        var gaveUp = CreateTestProbe();
        var next = CreateTestProbe();

        session.Tell(new Attach(Unit, gaveUp.Ref, "test/1", 0, GiveUpAt: DateTimeOffset.UtcNow.AddSeconds(-1)));
        session.Tell(new Attach(Unit, next.Ref, "test/1", 0, GiveUpAt: DateTimeOffset.UtcNow.AddMinutes(1)));

        // The unit's next connection gets the first epoch: none was spent on the closed one.
        Assert.Equal(1, next.ExpectMsg<Attached>().Epoch);
        session.Tell(new GetStatus(Unit), next.Ref);
        Assert.Equal(1, next.ExpectMsg<SessionStatus>().Epoch);
        gaveUp.ExpectNoMsg(TimeSpan.Zero);
    }

    [Fact]
    public void An_attach_within_its_deadline_is_stored_and_answered()
    {
        var session = Session();
        var connection = CreateTestProbe();

        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0, GiveUpAt: DateTimeOffset.UtcNow.AddMinutes(1)));

        Assert.Equal(1, connection.ExpectMsg<Attached>().Epoch);
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
