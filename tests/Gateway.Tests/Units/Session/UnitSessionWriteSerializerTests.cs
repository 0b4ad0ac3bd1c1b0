using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>The journal format of the durable-write events and of a snapshot holding writes.</summary>
public sealed class UnitSessionWriteSerializerTests : TestKit
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 30, 0, TimeSpan.FromHours(1));

    private static readonly PendingWrite Pending = new(
        18, "0123456789abcdef0123456789abcdef.unit-0042", Operations.BookAppointment, "pat-000123",
        """{"startsAt":"2026-12-03T14:00:00+01:00","durationMinutes":30,"clinician":"Dr. Grey","reason":"Follow-up \u00e9"}""",
        T0, T0.AddDays(7), "patient:pat-000123", "key-1", "9f86d081884c7d659a2feaa0c55ad015", "corr-8d1f");

    private static readonly FinishedWrite Finished = new(
        17, "fedcba9876543210fedcba9876543210.unit-0042", Operations.PayInvoice, "pat-000123", T0.AddMinutes(-5), T0.AddHours(24),
        "patient:pat-000123", null, "abc", OperationStatus.Rejected, null, "amount_mismatch", T0.AddMinutes(-4));

    private UnitSessionSerializer Serializer => new((ExtendedActorSystem)Sys);

    private T RoundTrip<T>(T evt) where T : notnull
    {
        var bytes = Serializer.ToBinary(evt);
        return Assert.IsType<T>(Serializer.FromBinary(bytes, Serializer.Manifest(evt)));
    }

    [Fact]
    public void WriteEnqueued_round_trips()
    {
        var evt = new WriteEnqueued(Pending);
        Assert.Equal("session.write-enqueued.v1", Serializer.Manifest(evt));
        Assert.Equal(evt, RoundTrip(evt));
    }

    [Fact]
    public void WriteEnqueued_without_key_or_correlation_round_trips()
    {
        var evt = new WriteEnqueued(Pending with { IdempotencyKey = null, RequestHash = null, CorrelationId = null });
        Assert.Equal(evt, RoundTrip(evt));
    }

    [Fact]
    public void WritesSettled_round_trips_every_status_with_result_and_reason()
    {
        var evt = new WritesSettled(
        [
            new Settlement(18, "op-18", OperationStatus.Applied, """{"id":"a-1","status":"booked","startsAt":"2026-12-03T13:00:00+00:00"}""", null),
            new Settlement(19, "op-19", OperationStatus.Rejected, null, "slot_taken"),
            new Settlement(20, "op-20", OperationStatus.Expired, null, "expired"),
        ], T0);

        var back = RoundTrip(evt);

        Assert.Equal("session.writes-settled.v1", Serializer.Manifest(evt));
        Assert.Equal(evt.At, back.At);
        Assert.Equal(evt.Settlements, back.Settlements);
    }

    [Fact]
    public void A_snapshot_with_backlog_and_finished_round_trips()
    {
        var snapshot = new UnitSessionSnapshot(3, 1204, T0, "UnitNode/1.0", LastWriteSeq: 19,
            Backlog: [Pending, Pending with { Seq = 19, OperationId = "op-19", IdempotencyKey = null }],
            Finished: [Finished, Finished with { Seq = 16, OperationId = "op-16", Status = OperationStatus.Applied, ResultJson = """{"id":"i-1"}""", Reason = null }]);

        var back = RoundTrip(snapshot);

        Assert.Equal(snapshot with { Backlog = null, Finished = null }, back with { Backlog = null, Finished = null });
        Assert.Equal(snapshot.Backlog, back.Backlog);
        Assert.Equal(snapshot.Finished, back.Finished);

        // What recovery does with it: the same state as before.
        var state = new UnitSessionState();
        state.Apply(back);
        Assert.Equal(2, state.BacklogCount);
        Assert.Equal(19, state.LastWriteSeq);
        Assert.Equal(OperationStatus.Rejected, state.Finished(Finished.OperationId)!.Status);
        Assert.Equal(Pending.OperationId, state.OperationForKey(UnitSessionState.ScopeKey(Pending.RequestedBy, "key-1")));
    }

    [Fact]
    public void Statuses_are_stored_as_names_not_numbers()
    {
        var json = Encoding.UTF8.GetString(Serializer.ToBinary(new WritesSettled([new Settlement(1, "op-1", OperationStatus.Expired, null, null)], T0)));

        Assert.Contains("\"status\":\"expired\"", json);
        Assert.DoesNotContain("HealthGateway", json);
    }

    [Fact]
    public void A_snapshot_stored_before_durable_writes_still_reads()
    {
        // session.snapshot.v1 as written before writes were added: no lastWriteSeq, backlog or finished.
        var old = """{"epoch":3,"lastEventSeq":9000,"lastAttachedAt":"2026-11-26T10:00:00+00:00","software":"UnitNode/1.2"}"""u8.ToArray();

        var back = Assert.IsType<UnitSessionSnapshot>(Serializer.FromBinary(old, "session.snapshot.v1"));

        Assert.Equal(3, back.Epoch);
        Assert.Equal(9000, back.LastEventSeq);
        Assert.Equal(0, back.LastWriteSeq);
        Assert.Empty(back.Backlog ?? []);
        Assert.Empty(back.Finished ?? []);
    }
}
