using System.Text.Json;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Push;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>What a <see cref="UnitSessionActor"/> tells patients' feeds, and when: only once the change is durable.</summary>
public sealed class UnitSessionNotificationSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-n";
    private const string Patient = "p-1";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30); // generous: a loaded CI box took over 10 s for a first attach

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionNotificationSpecs() : base(Config) =>
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));

    private IActorRef Session(TestProbe feeds) =>
        Sys.ActorOf(SessionProps.For(Unit, _directory, new UnitSessionSettings(TimeSpan.FromMinutes(5), 10, 4, 100), patientFeeds: feeds.Ref));

    private static string StatusOf(PatientFeedCommands.Publish publish) =>
        JsonDocument.Parse(publish.DataJson).RootElement.GetProperty("status").GetString()!;

    [Fact]
    public void A_write_is_announced_queued_once_durable_then_delivered_then_applied()
    {
        var feeds = CreateTestProbe();
        var session = Session(feeds);
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0), connection.Ref);
        var epoch = connection.ExpectMsg<Attached>(Long).Epoch;

        var caller = CreateTestProbe();
        session.Tell(new EnqueueWrite(Unit, "op-1", Operations.BookAppointment, Patient, "{}", TimeSpan.FromDays(1), "patient:p-1",
            null, null, TimeSpan.Zero, null), caller.Ref);
        caller.ExpectMsg<OperationState>(Long);
        var queued = feeds.ExpectMsg<PatientFeedCommands.Publish>(Long);
        var delivered = feeds.ExpectMsg<PatientFeedCommands.Publish>(Long);
        connection.ExpectMsg<Deliveries>(Long);
        session.Tell(new DeliveriesAcknowledged(Unit, epoch, 1, [new Settlement(1, "op-1", OperationStatus.Applied, """{"id":"a-1"}""", null)]), connection.Ref);
        var applied = feeds.ExpectMsg<PatientFeedCommands.Publish>(Long);

        Assert.All(new[] { queued, delivered, applied }, p =>
        {
            Assert.Equal(Patient, p.PatientId);
            Assert.Equal(PatientEventTypes.OperationStatus, p.Type);
        });
        Assert.Equal(["queued", "delivered", "applied"], new[] { queued, delivered, applied }.Select(StatusOf));
        Assert.Equal("a-1", JsonDocument.Parse(applied.DataJson).RootElement.GetProperty("result").GetProperty("id").GetString());
    }

    [Fact]
    public void Unit_changes_are_announced_once_accepted_and_registrations_are_not()
    {
        var feeds = CreateTestProbe();
        var session = Session(feeds);
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "test/1", 0), connection.Ref);
        var epoch = connection.ExpectMsg<Attached>(Long).Epoch;

        var now = DateTimeOffset.UtcNow;
        session.Tell(new AcceptUnitChanges(Unit, epoch,
        [
            new UnitChange(1, "e-1", UnitEventKinds.PatientRegistered, Patient, now, """{"displayName":"Test P."}"""),
            new UnitChange(2, "e-2", UnitEventKinds.InvoicePaid, Patient, now, """{"invoiceId":"i-1"}"""),
            new UnitChange(3, "e-3", UnitEventKinds.RecordUpdated, Patient, now, null),
        ]), connection.Ref);

        Assert.Equal(3, connection.ExpectMsg<ChangesAcknowledged>(Long).UpToSeq);
        var invoice = feeds.ExpectMsg<PatientFeedCommands.Publish>(Long);
        var record = feeds.ExpectMsg<PatientFeedCommands.Publish>(Long);
        feeds.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(PatientEventTypes.InvoiceChanged, invoice.Type);
        Assert.Equal("i-1", JsonDocument.Parse(invoice.DataJson).RootElement.GetProperty("payload").GetProperty("invoiceId").GetString());
        Assert.Equal(PatientEventTypes.RecordChanged, record.Type);
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
