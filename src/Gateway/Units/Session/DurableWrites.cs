using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Units.Session;

/// <summary>
/// A write the session holds until the unit settles it (the per-unit backlog). <see cref="TraceParent"/> is
/// persisted with it, so a delivery after a restart still joins the write's trace.
/// </summary>
public sealed record PendingWrite(
    long Seq,
    string OperationId,
    string Operation,
    string PatientId,
    string PayloadJson,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset ExpiresAt,
    string RequestedBy,
    string? IdempotencyKey,
    string? RequestHash,
    string? CorrelationId,
    string? TraceParent = null);

/// <summary>A settled write, kept (bounded) so callers can still read its outcome.</summary>
public sealed record FinishedWrite(
    long Seq,
    string OperationId,
    string Operation,
    string PatientId,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset ExpiresAt,
    string RequestedBy,
    string? IdempotencyKey,
    string? RequestHash,
    OperationStatus Status,
    string? ResultJson,
    string? Reason,
    DateTimeOffset SettledAt);
