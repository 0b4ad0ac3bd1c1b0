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

/// <summary>How the unit settled one write.</summary>
public sealed record Settlement(long Seq, string OperationId, OperationStatus Status, string? ResultJson, string? Reason);

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

/// <summary>One write on its way to the unit (cluster-safe: the payload is raw JSON text).</summary>
public sealed record DeliveryItem(
    long Seq,
    string MessageId,
    string Operation,
    string PatientId,
    DateTimeOffset ExpiresAt,
    string PayloadJson,
    string? CorrelationId,
    long PrevSeq,
    string? TraceParent = null);
