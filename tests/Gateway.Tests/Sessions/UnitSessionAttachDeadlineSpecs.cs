using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Sessions;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Sessions.UnitSessionCommands;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Sessions;

/// <summary>
/// In a reconnect storm an attach can wait behind a slow recovery longer than its connection waits for the answer.
/// Its epoch must not be stored then: the socket is closed, and every stored epoch lengthens later recoveries.
/// </summary>
public sealed class UnitSessionAttachDeadlineSpecs() : TestKit(Config), IDisposable
{
    private const string Unit = "unit-9";

    private static readonly string Config = """
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly UnitSessionSettings Settings = new(TimeSpan.FromMinutes(5), MaxBacklog: 3, DeliveryWindow: 2, FinishedRetention: 100);

    private readonly TempDatabase _db = new();
    private PatientDirectory? _directory;

    private IActorRef Session()
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
        return Sys.ActorOf(UnitSessionActor.Props(Unit, _directory, Settings));
    }

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
        _directory?.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
