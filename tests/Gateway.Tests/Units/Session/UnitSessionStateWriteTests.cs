using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>The durable-write rules of <see cref="UnitSessionState"/>, without actors.</summary>
public sealed class UnitSessionStateWriteTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    private static PendingWrite Write(long seq, string? key = null, string requestedBy = "patient:p-1") =>
        new(seq, $"op-{seq}", Operations.BookAppointment, "p-1", $$"""{"n":{{seq}}}""", T0, T0.AddDays(7), requestedBy, key, $"hash-{seq}", $"corr-{seq}");

    private static WritesSettled Settled(params Settlement[] settlements) => new(settlements, T0.AddMinutes(1));

    private static Settlement Applied(long seq, string? result = null) => new(seq, $"op-{seq}", OperationStatus.Applied, result, null);
    private static Settlement Rejected(long seq, string reason) => new(seq, $"op-{seq}", OperationStatus.Rejected, null, reason);

    private static UnitSessionState With(int retention, params PendingWrite[] writes)
    {
        var state = new UnitSessionState(retention);
        foreach (var w in writes) state.Apply(new WriteEnqueued(w));
        return state;
    }

    [Fact]
    public void An_enqueued_write_is_pending_in_the_backlog_and_known_by_id_seq_and_key()
    {
        var state = With(10, Write(1, key: "k-1"));

        Assert.Equal(1, state.BacklogCount);
        Assert.Equal(1, state.LastWriteSeq);
        Assert.Equal("op-1", state.Pending("op-1")!.OperationId);
        Assert.Equal("op-1", state.PendingAt(1)!.OperationId);
        Assert.Equal("op-1", state.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k-1")));
        Assert.Null(state.Finished("op-1"));
    }

    [Fact]
    public void The_backlog_is_in_seq_order_whatever_order_events_come_in()
    {
        var state = With(10, Write(3), Write(1), Write(2), Write(5));

        Assert.Equal([1L, 2L, 3L, 5L], state.Backlog.Select(w => w.Seq));
        Assert.Equal([2L, 3L], state.BacklogBetween(2, 4).Select(w => w.Seq));
        Assert.Equal([1L, 2L, 3L, 5L], state.BacklogBetween(long.MinValue, long.MaxValue).Select(w => w.Seq));
        Assert.Empty(state.BacklogBetween(6, long.MaxValue));
        Assert.Empty(state.BacklogBetween(4, 2));
        Assert.Equal(5, state.LastWriteSeq);
    }

    [Fact]
    public void Last_write_seq_never_goes_back()
    {
        var state = With(10, Write(7), Write(4));
        state.Apply(Settled(Applied(7)));

        Assert.Equal(7, state.LastWriteSeq);
    }

    [Fact]
    public void Settling_moves_a_write_from_the_backlog_to_finished_with_its_outcome()
    {
        var state = With(10, Write(1), Write(2), Write(3));

        state.Apply(Settled(Applied(1, """{"id":"a-1"}"""), Rejected(2, "slot_taken")));

        Assert.Equal([3L], state.Backlog.Select(w => w.Seq));
        Assert.Null(state.Pending("op-1"));
        Assert.Null(state.PendingAt(1));
        var applied = state.Finished("op-1")!;
        Assert.Equal(OperationStatus.Applied, applied.Status);
        Assert.Equal("""{"id":"a-1"}""", applied.ResultJson);
        Assert.Equal(T0.AddMinutes(1), applied.SettledAt);
        Assert.Equal(T0.AddDays(7), applied.ExpiresAt);
        var rejected = state.Finished("op-2")!;
        Assert.Equal(OperationStatus.Rejected, rejected.Status);
        Assert.Equal("slot_taken", rejected.Reason);
        Assert.Null(rejected.ResultJson);
        Assert.Equal(2, state.FinishedCount);
    }

    [Fact]
    public void Expired_is_a_settlement_like_any_other()
    {
        var state = With(10, Write(1));
        state.Apply(Settled(new Settlement(1, "op-1", OperationStatus.Expired, null, "expired")));

        Assert.Equal(OperationStatus.Expired, state.Finished("op-1")!.Status);
        Assert.Equal(0, state.BacklogCount);
    }

    [Fact]
    public void A_second_settlement_of_the_same_seq_changes_nothing()
    {
        var state = With(10, Write(1));
        state.Apply(Settled(Applied(1, """{"id":"a-1"}""")));

        state.Apply(new WritesSettled([Rejected(1, "late")], T0.AddHours(1)));

        var finished = state.Finished("op-1")!;
        Assert.Equal(OperationStatus.Applied, finished.Status);
        Assert.Equal("""{"id":"a-1"}""", finished.ResultJson);
        Assert.Equal(T0.AddMinutes(1), finished.SettledAt);
        Assert.Equal(1, state.FinishedCount);
    }

    [Fact]
    public void Settling_a_seq_that_was_never_enqueued_changes_nothing()
    {
        var state = With(10, Write(1));

        state.Apply(Settled(Applied(9)));

        Assert.Equal(1, state.BacklogCount);
        Assert.Equal(0, state.FinishedCount);
        Assert.Null(state.Finished("op-9"));
    }

    [Fact]
    public void Idempotency_keys_are_scoped_to_the_caller()
    {
        var state = With(10, Write(1, key: "k", requestedBy: "patient:p-1"), Write(2, key: "k", requestedBy: "patient:p-2"));

        Assert.Equal("op-1", state.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k")));
        Assert.Equal("op-2", state.OperationForKey(UnitSessionState.ScopeKey("patient:p-2", "k")));
        Assert.Null(state.OperationForKey(UnitSessionState.ScopeKey("partner:p-1", "k")));
        Assert.NotEqual(UnitSessionState.ScopeKey("patient:p-1", "k"), UnitSessionState.ScopeKey("patient:p-", "1k"));
    }

    [Fact]
    public void A_key_stays_known_after_its_write_is_settled()
    {
        var state = With(10, Write(1, key: "k"));
        state.Apply(Settled(Applied(1)));

        Assert.Equal("op-1", state.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k")));
    }

    [Fact]
    public void Retention_drops_the_oldest_finished_operations_and_their_keys()
    {
        var state = With(2, Write(1, key: "k-1"), Write(2, key: "k-2"), Write(3, key: "k-3"), Write(4, key: "k-4"));

        state.Apply(Settled(Applied(2)));
        state.Apply(Settled(Applied(1)));
        state.Apply(Settled(Applied(3)));

        // Dropped in settlement order: op-2 settled first.
        Assert.Null(state.Finished("op-2"));
        Assert.Null(state.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k-2")));
        Assert.NotNull(state.Finished("op-1"));
        Assert.NotNull(state.Finished("op-3"));
        Assert.Equal(2, state.FinishedCount);
        // Pending writes are never dropped by retention.
        Assert.Equal("op-4", state.Pending("op-4")!.OperationId);
        Assert.Equal("op-4", state.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k-4")));
    }

    [Fact]
    public void A_snapshot_restores_backlog_finished_keys_and_seqs()
    {
        var state = With(10, Write(1, key: "k-1"), Write(2), Write(3, key: "k-3"), Write(4));
        state.Apply(new ConnectionAttached(2, T0, "UnitNode/1.0"));
        state.Apply(Settled(Rejected(1, "already_paid"), Applied(3, """{"id":"x"}""")));

        var snapshot = state.ToSnapshot();
        var restored = new UnitSessionState(10);
        restored.Apply(snapshot);

        Assert.Equal([2L, 4L], restored.Backlog.Select(w => w.Seq));
        Assert.Equal(state.Backlog, restored.Backlog);
        Assert.Equal(4, restored.LastWriteSeq);
        Assert.Equal(2, restored.Epoch);
        Assert.Equal(state.Finished("op-1"), restored.Finished("op-1"));
        Assert.Equal(state.Finished("op-3"), restored.Finished("op-3"));
        Assert.Equal("op-1", restored.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k-1")));
        Assert.Equal("op-3", restored.OperationForKey(UnitSessionState.ScopeKey("patient:p-1", "k-3")));
        Assert.Equal(snapshot.Finished, restored.ToSnapshot().Finished);
        Assert.Equal(snapshot.Backlog, restored.ToSnapshot().Backlog);
    }

    [Fact]
    public void A_snapshot_keeps_finished_operations_oldest_first_so_retention_still_drops_the_oldest()
    {
        var state = With(10, Write(1), Write(2), Write(3));
        state.Apply(Settled(Applied(3)));
        state.Apply(Settled(Applied(1)));
        state.Apply(Settled(Applied(2)));

        Assert.Equal(["op-3", "op-1", "op-2"], state.ToSnapshot().Finished!.Select(f => f.OperationId));

        var smaller = new UnitSessionState(2);
        smaller.Apply(state.ToSnapshot());
        Assert.Null(smaller.Finished("op-3"));
        Assert.NotNull(smaller.Finished("op-1"));
        Assert.NotNull(smaller.Finished("op-2"));
    }

    [Fact]
    public void A_snapshot_from_before_durable_writes_restores_an_empty_backlog()
    {
        var state = new UnitSessionState();
        state.Apply(new UnitSessionSnapshot(3, 40, T0, "UnitNode/0.9"));

        Assert.Equal(0, state.BacklogCount);
        Assert.Equal(0, state.FinishedCount);
        Assert.Equal(0, state.LastWriteSeq);
        Assert.Equal(40, state.LastEventSeq);
    }
}
