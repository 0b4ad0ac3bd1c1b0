using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Units.Messages.UnitSessionCommands;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// Decides what a new write becomes (<see cref="Decide"/>), and holds the writes whose journal write is in flight:
/// their seqs and idempotency keys are reserved here, so retries and later writes are judged as if they were
/// stored already while the session keeps serving (PersistAsync). Pure: no actor, no clock of its own.
/// </summary>
public sealed class WriteIntake
{
    private readonly Dictionary<string, PendingWrite> _storing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _storingByKey = new(StringComparer.Ordinal);
    private long _lastAssignedSeq;

    /// <summary>Writes whose journal write has not confirmed yet.</summary>
    public int StoringCount => _storing.Count;

    public bool IsStoring(string operationId) => _storing.ContainsKey(operationId);

    /// <summary>After recovery or a resync: new seqs continue after the highest one stored.</summary>
    public void ContinueAfter(long lastWriteSeq) => _lastAssignedSeq = Math.Max(_lastAssignedSeq, lastWriteSeq);

    public WriteDecision Decide(EnqueueWrite write, UnitSessionState state, int maxBacklog, DateTimeOffset now)
    {
        if (write.IdempotencyKey is not null)
        {
            var scope = UnitSessionState.ScopeKey(write.RequestedBy, write.IdempotencyKey);
            var existing = (_storingByKey.TryGetValue(scope, out var reserved) ? _storing[reserved] : null)
                           ?? (state.OperationForKey(scope) is { } known ? AsPending(state, known) : null);
            if (existing is not null)
            {
                if (existing.RequestHash != write.RequestHash || existing.Operation != write.Operation || existing.PatientId != write.PatientId)
                    return new WriteDecision.Refuse(WriteRefusal.IdempotencyConflict, existing.OperationId);
                return IsStoring(existing.OperationId)
                    ? new WriteDecision.JoinStoring(existing.OperationId)
                    : new WriteDecision.AnswerDurable(existing.OperationId);
            }
        }

        if (state.BacklogCount + _storing.Count >= maxBacklog) return new WriteDecision.Refuse(WriteRefusal.BacklogFull);

        var pending = new PendingWrite(++_lastAssignedSeq, write.OperationId, write.Operation, write.PatientId, write.PayloadJson,
            now, now + write.TimeToLive, write.RequestedBy, write.IdempotencyKey, write.RequestHash, write.CorrelationId, write.TraceParent);
        _storing[pending.OperationId] = pending;
        if (pending.IdempotencyKey is not null) _storingByKey[UnitSessionState.ScopeKey(pending.RequestedBy, pending.IdempotencyKey)] = pending.OperationId;
        return new WriteDecision.Store(pending);
    }

    /// <summary>The journal write confirmed (the state has it now) or was refused (it never happened).</summary>
    public void Release(PendingWrite write)
    {
        _storing.Remove(write.OperationId);
        if (write.IdempotencyKey is not null) _storingByKey.Remove(UnitSessionState.ScopeKey(write.RequestedBy, write.IdempotencyKey));
    }

    /// <summary>An idempotent retry of a stored operation: the pending record is rebuilt only to compare the request.</summary>
    private static PendingWrite? AsPending(UnitSessionState state, string operationId)
    {
        if (state.Pending(operationId) is { } pending) return pending;
        return state.Finished(operationId) is { } f
            ? new PendingWrite(f.Seq, f.OperationId, f.Operation, f.PatientId, "", f.EnqueuedAt, f.ExpiresAt, f.RequestedBy, f.IdempotencyKey, f.RequestHash, null)
            : null;
    }
}
