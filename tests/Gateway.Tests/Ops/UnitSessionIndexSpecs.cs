using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Ops;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Tests.Units.Session;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Ops;

/// <summary>
/// What sessions tell their node's ops index (reports and unit events), and how the index keeps the newest
/// report per unit. The index is replaced by a probe at its well-known path for the session specs.
/// </summary>
public sealed class UnitSessionIndexSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-ops";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30); // generous: a loaded CI box took over 10 s for a first attach

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionIndexSpecs() : base(Config)
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
    }

    /// <summary>A probe standing in for the node's index at /user/unit-session-index.</summary>
    private TestProbe IndexProbe()
    {
        var probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Relay(probe.Ref)), UnitSessionIndexActor.Name);
        return probe;
    }

    private IActorRef Session() =>
        Sys.ActorOf(SessionProps.For(Unit, _directory, new UnitSessionSettings(TimeSpan.FromMinutes(5), MaxBacklog: 10, DeliveryWindow: 2, FinishedRetention: 100)));

    private static UnitSessionReport NextReport(TestProbe index) =>
        index.FishForMessage<UnitSessionIndexCommands.Report>(_ => true, Long).Session;

    [Fact]
    public void A_session_reports_attach_and_detach_at_once_and_publishes_unit_events()
    {
        var index = IndexProbe();
        var session = Session();
        var connection = CreateTestProbe();

        session.Tell(new Attach(Unit, connection.Ref, "UnitNode/9", 0));
        connection.ExpectMsg<Attached>(Long);
        var connected = index.FishForMessage<UnitSessionIndexCommands.PublishEvent>(_ => true, Long).Event;
        Assert.Equal(OpsEventTypes.UnitConnected, connected.Type);
        Assert.Equal(Unit, connected.UnitId);
        var report = index.FishForMessage<UnitSessionIndexCommands.Report>(r => r.Session.Connected, Long).Session;
        Assert.Equal("UnitNode/9", report.Software);
        Assert.NotNull(report.ConnectedSince);
        Assert.True(report.Awake);

        session.Tell(new Detach(Unit, connection.Ref));
        var gone = index.FishForMessage<UnitSessionIndexCommands.PublishEvent>(_ => true, Long).Event;
        Assert.Equal(OpsEventTypes.UnitDisconnected, gone.Type);
        Assert.False(index.FishForMessage<UnitSessionIndexCommands.Report>(r => !r.Session.Connected, Long).Session.Connected);
    }

    [Fact]
    public void A_write_for_an_offline_unit_shows_in_the_next_report_as_backlog()
    {
        var index = IndexProbe();
        var session = Session();
        var caller = CreateTestProbe();
        session.Tell(new EnqueueWrite(Unit, "op-1", Operations.BookAppointment, "p-1", "{}", TimeSpan.FromDays(1), "patient:p-1",
            null, "h", TimeSpan.Zero, null), caller.Ref);
        caller.ExpectMsg<OperationState>(Long);

        var report = index.FishForMessage<UnitSessionIndexCommands.Report>(r => r.Session.Backlog == 1, Long).Session;
        Assert.False(report.Connected);
        Assert.Equal(new OperationCounts(1, 0, 0, 0, 0), report.Operations);
        Assert.NotNull(report.OldestBufferedAt);
    }

    [Fact]
    public void A_session_stopped_during_hand_off_reports_no_connection()
    {
        var index = IndexProbe();
        var session = Session();
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "UnitNode/9", 0));
        connection.ExpectMsg<Attached>(Long);

        session.Tell(Stop.Instance);
        var last = index.FishForMessage<UnitSessionIndexCommands.Report>(r => !r.Session.Awake, Long).Session;
        Assert.False(last.Connected); // the socket re-attaches wherever the session wakes next
        Assert.Null(last.ConnectionNode);
    }

    [Fact]
    public void The_index_keeps_the_newest_report_per_unit_and_the_latest_sighting()
    {
        var index = Sys.ActorOf(Props.Create(() => new UnitSessionIndexActor()));
        var t0 = DateTimeOffset.UtcNow;
        var counts = new OperationCounts(0, 0, 0, 0, 0);
        UnitSessionReport At(DateTimeOffset at, bool connected) =>
            new(Unit, connected, null, null, null, null, 0, null, 0, 0, counts, "node", true, at);

        index.Tell(new UnitSessionIndexCommands.Report(At(t0.AddSeconds(2), connected: true)));
        index.Tell(new UnitSessionIndexCommands.Report(At(t0.AddSeconds(1), connected: false))); // late, older
        index.Tell(new UnitSessionIndexCommands.Seen(Unit, t0.AddSeconds(5)));
        index.Tell(new UnitSessionIndexCommands.Seen(Unit, t0.AddSeconds(3)));

        index.Tell(UnitSessionIndexQueries.GetReports.Instance);
        var reports = ExpectMsg<UnitSessionIndexReplies.Reports>(Long);
        Assert.True(Assert.Single(reports.Sessions).Connected);
        Assert.Equal(t0.AddSeconds(5), reports.LastSeen[Unit]);
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef target) => ReceiveAny(m => target.Forward(m));
    }
}
