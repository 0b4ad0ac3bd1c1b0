using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Frames;

/// <summary>
/// gateway -> unit, a durable write. Seqs are per unit and increasing.
/// <paramref name="MessageId"/> is the idempotency key: the unit applies each id at most once.
/// <paramref name="PrevSeq"/> is the seq of the write before this one in the unit's stream: a unit whose
/// last applied seq is below it has missed a delivery and must wait for the resend instead of applying.
/// <paramref name="TraceParent"/>/<paramref name="TraceState"/>: W3C Trace Context of the gateway's delivery span.
/// </summary>
public sealed record Deliver(
    long Seq,
    string MessageId,
    string Operation,
    string PatientId,
    DateTimeOffset ExpiresAt,
    JsonElement Payload,
    string? CorrelationId = null,
    long? PrevSeq = null,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null,
    [property: JsonPropertyName("tracestate")] string? TraceState = null) : Frame
{
    public override string? Validate() =>
        (Seq <= 0 ? "'seq' must be > 0" : null)
        ?? (PrevSeq is { } prev && (prev < 0 || prev >= Seq) ? "'prevSeq' must be >= 0 and below 'seq'" : null)
        ?? CheckId(MessageId, "messageId") ?? CheckId(Operation, "operation") ?? CheckId(PatientId, "patientId")
        ?? CheckTraceContext(TraceParent, TraceState);
}

/// <summary>
/// Cumulative acknowledgement, both directions: everything up to and including
/// <paramref name="UpToSeq"/> is durable at the sender of the ack. A unit acking deliveries
/// adds the <paramref name="Outcomes"/> of the messages it applied or rejected.
/// </summary>
public sealed record Ack(long UpToSeq, IReadOnlyList<DeliveryOutcome>? Outcomes = null) : Frame
{
    public override string? Validate() => UpToSeq < 0 ? "'upToSeq' must be >= 0" : null;
}

public sealed record DeliveryOutcome(
    long Seq,
    string MessageId,
    OutcomeStatus Status,
    JsonElement? Result = null,
    string? Reason = null);

public enum OutcomeStatus
{
    [JsonStringEnumMemberName("applied")] Applied,
    [JsonStringEnumMemberName("rejected")] Rejected,
    [JsonStringEnumMemberName("expired")] Expired,
}
