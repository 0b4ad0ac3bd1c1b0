using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>
/// An in-memory journal that rejects (as a serialization failure would) events marked <see cref="Marker"/>:
/// a write whose payload contains it, or a settlement whose reason is it. Everything else is stored.
/// </summary>
public sealed class RejectingJournal : MemoryJournal
{
    public const string Marker = "reject-me";

    protected override async Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var results = ImmutableList.CreateBuilder<Exception>();
        foreach (var write in messages)
        {
            var events = ((IImmutableList<IPersistentRepresentation>)write.Payload).Select(p => p.Payload);
            if (events.Any(Rejects))
            {
                results.Add(new InvalidOperationException("rejected by the test journal"));
                continue;
            }
            var stored = await base.WriteMessagesAsync([write], cancellationToken);
            results.Add(stored is { Count: > 0 } ? stored[0] : null!);
        }
        return results.ToImmutable();
    }

    private static bool Rejects(object evt) => evt switch
    {
        WriteEnqueued e => e.Write.PayloadJson.Contains(Marker, StringComparison.Ordinal),
        WritesSettled s => s.Settlements.Any(x => x.Reason == Marker),
        _ => false,
    };
}

/// <summary>What a session does when the journal rejects one of its events: refuse, store nothing, keep going.</summary>
public sealed class UnitSessionJournalRejectionSpecs : TestKit, IDisposable
{
    private const string Unit = "unit-r";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30); // generous: a loaded CI box took over 10 s for a first attach

    private static readonly string Config = """
        akka.loglevel = OFF
        akka.persistence.journal.plugin = "akka.persistence.journal.rejecting"
        akka.persistence.journal.rejecting {
          class = "HealthGateway.Gateway.Tests.Units.Session.RejectingJournal, HealthGateway.Gateway.Tests"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private readonly TempDatabase _db = new();
    private readonly PatientDirectory _directory;

    public UnitSessionJournalRejectionSpecs() : base(Config)
    {
        _directory = new PatientDirectory(new PatientDirectoryStore(_db.Database), Options.Create(new GatewayOptions()));
    }

    private IActorRef Session() =>
        Sys.ActorOf(SessionProps.For(Unit, _directory, new UnitSessionSettings(TimeSpan.FromMinutes(5), 10, 1, 100)));

    private static EnqueueWrite Write(string operationId, string payload = """{"n":1}""", string? key = null) =>
        new(Unit, operationId, Operations.PayInvoice, "p-1", payload, TimeSpan.FromHours(24), "patient:p-1", key, $"hash-{payload}", TimeSpan.Zero, null);

    private object Query(IActorRef session, string operationId)
    {
        var probe = CreateTestProbe();
        session.Tell(new GetOperation(Unit, operationId), probe.Ref);
        return probe.ReceiveOne(Long)!;
    }

    [Fact]
    public void A_write_the_journal_rejects_is_refused_and_nothing_is_stored()
    {
        var session = Session();

        session.Tell(Write("op-1", $$"""{"n":"{{RejectingJournal.Marker}}"}""", key: "key-1"));

        var refused = ExpectMsg<WriteRefused>(Long);
        Assert.Equal("op-1", refused.OperationId);
        Assert.Equal(WriteRefusal.JournalUnavailable, refused.Reason);
        Assert.IsType<OperationUnknown>(Query(session, "op-1"));

        // The session goes on; the key of the refused write is free for the retry.
        session.Tell(Write("op-2", key: "key-1"));
        Assert.Equal("op-2", ExpectMsg<OperationState>(Long).OperationId);
        session.Tell(new GetStatus(Unit));
        Assert.Equal(1, ExpectMsg<SessionStatus>(Long).Backlog);
    }

    [Fact]
    public void A_rejected_settlement_does_not_block_later_acks_for_the_same_write()
    {
        var session = Session();
        session.Tell(Write("op-1"));
        ExpectMsg<OperationState>(Long);
        session.Tell(Write("op-2", """{"n":2}"""));
        ExpectMsg<OperationState>(Long);
        var connection = CreateTestProbe();
        session.Tell(new Attach(Unit, connection.Ref, "t", 0), connection.Ref);
        var epoch = connection.ExpectMsg<Attached>(Long).Epoch;
        Assert.Equal(1, connection.ExpectMsg<Deliveries>(Long).Items.Single().Seq);

        // The journal rejects this settlement; the unit acks again (e.g. after the redelivery on its next connection).
        session.Tell(new DeliveriesAcknowledged(Unit, epoch, 1, [new Settlement(1, "op-1", OperationStatus.Rejected, null, RejectingJournal.Marker)]), connection.Ref);
        // Until the refusal is processed a repeated ack is skipped (the seq is being settled); after it, an ack settles.
        AwaitAssert(() =>
        {
            session.Tell(new DeliveriesAcknowledged(Unit, epoch, 1, [new Settlement(1, "op-1", OperationStatus.Applied, """{"id":"i-1"}""", null)]), connection.Ref);
            var next = connection.ExpectMsg<Deliveries>(TimeSpan.FromSeconds(1)); // a watchdog resend of seq 1 fails this try
            Assert.Equal(2, next.Items.Single().Seq);
        }, Long);
        AwaitAssert(() => Assert.Equal(OperationStatus.Applied, Assert.IsType<OperationState>(Query(session, "op-1")).Status), Long);
    }

    public new void Dispose()
    {
        _directory.Dispose();
        base.Dispose();
        _db.Dispose();
    }
}
