using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>What a session does with one <see cref="UnitSessionCommands.EnqueueWrite"/> (decided by <see cref="WriteIntake"/>).</summary>
public abstract record WriteDecision
{
    /// <summary>Refused, nothing stored (409 for a reused key, 503 for a full backlog).</summary>
    public sealed record Refuse(WriteRefusal Reason, string? ExistingOperationId = null) : WriteDecision;

    /// <summary>A retry of a write whose journal write is in flight: wait with the first caller.</summary>
    public sealed record JoinStoring(string OperationId) : WriteDecision;

    /// <summary>A retry of a durable write: answer with where it stands (or wait for its outcome).</summary>
    public sealed record AnswerDurable(string OperationId) : WriteDecision;

    /// <summary>A new write: its seq and key are reserved; persist it, then release the reservation.</summary>
    public sealed record Store(PendingWrite Write) : WriteDecision;
}
