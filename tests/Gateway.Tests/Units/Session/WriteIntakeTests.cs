using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;
using static HealthGateway.Gateway.Units.Session.UnitSessionEvents;

namespace HealthGateway.Gateway.Tests.Units.Session;

/// <summary>How a session decides a new write (<see cref="WriteIntake"/>), without actors.</summary>
public sealed class WriteIntakeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 9, 0, 0, TimeSpan.Zero);

    private static EnqueueWrite Write(string operationId, string? key = null, string hash = "h-1", string patientId = "p-1", string by = "patient:p-1") =>
        new("unit-1", operationId, Operations.BookAppointment, patientId, "{}", TimeSpan.FromDays(1), by, key, hash, TimeSpan.Zero, "corr");

    [Fact]
    public void A_new_write_is_stored_with_the_next_seq_and_its_key_is_reserved_until_released()
    {
        var intake = new WriteIntake();
        var state = new UnitSessionState();
        intake.ContinueAfter(41);

        var store = Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-1", key: "k"), state, 10, T0));
        Assert.Equal(42, store.Write.Seq);
        Assert.Equal(T0.AddDays(1), store.Write.ExpiresAt);
        Assert.True(intake.IsStoring("op-1"));

        // A retry while the journal write is in flight joins it; a different request under the key is a conflict.
        Assert.Equal("op-1", Assert.IsType<WriteDecision.JoinStoring>(intake.Decide(Write("op-2", key: "k"), state, 10, T0)).OperationId);
        var conflict = Assert.IsType<WriteDecision.Refuse>(intake.Decide(Write("op-3", key: "k", hash: "other"), state, 10, T0));
        Assert.Equal((WriteRefusal.IdempotencyConflict, "op-1"), (conflict.Reason, conflict.ExistingOperationId));

        // Durable now: the state knows it, the reservation is gone, a retry is answered from the state.
        state.Apply(new WriteEnqueued(store.Write));
        intake.Release(store.Write);
        Assert.Equal(0, intake.StoringCount);
        Assert.Equal("op-1", Assert.IsType<WriteDecision.AnswerDurable>(intake.Decide(Write("op-4", key: "k"), state, 10, T0)).OperationId);
        Assert.Equal(43, Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-5"), state, 10, T0)).Write.Seq);
    }

    [Fact]
    public void Keys_are_scoped_to_the_caller_and_a_key_for_another_patient_is_a_conflict()
    {
        var intake = new WriteIntake();
        var state = new UnitSessionState();
        intake.Decide(Write("op-1", key: "k"), state, 10, T0);

        Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-2", key: "k", by: "patient:p-2", patientId: "p-2"), state, 10, T0));
        Assert.IsType<WriteDecision.Refuse>(intake.Decide(Write("op-3", key: "k", patientId: "p-9"), state, 10, T0));
    }

    [Fact]
    public void Writes_in_flight_count_against_the_backlog_cap()
    {
        var intake = new WriteIntake();
        var state = new UnitSessionState();
        state.Apply(new WriteEnqueued(new PendingWrite(1, "op-0", Operations.BookAppointment, "p-1", "{}", T0, T0.AddDays(1), "patient:p-1", null, "h", null)));
        intake.ContinueAfter(state.LastWriteSeq);
        Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-1"), state, 3, T0));
        Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-2"), state, 3, T0));

        var full = Assert.IsType<WriteDecision.Refuse>(intake.Decide(Write("op-3"), state, 3, T0));
        Assert.Equal(WriteRefusal.BacklogFull, full.Reason);
    }

    [Fact]
    public void A_refused_journal_write_frees_its_key_for_a_retry()
    {
        var intake = new WriteIntake();
        var state = new UnitSessionState();
        var first = Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-1", key: "k"), state, 10, T0));

        intake.Release(first.Write); // the journal refused it: it never happened

        var retry = Assert.IsType<WriteDecision.Store>(intake.Decide(Write("op-2", key: "k"), state, 10, T0));
        Assert.Equal("op-2", retry.Write.OperationId);
    }
}
