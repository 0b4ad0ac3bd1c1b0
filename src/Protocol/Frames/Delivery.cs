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
/// adds the <paramref name="Outcomes"/> of the messages it applied or rejected. The gateway acking events adds
/// the events it <paramref name="Refused"/>: acknowledged (never resent) but without effect.
/// </summary>
public sealed record Ack(long UpToSeq, IReadOnlyList<DeliveryOutcome>? Outcomes = null, IReadOnlyList<EventRefusal>? Refused = null) : Frame
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

/// <summary>
/// gateway -> unit, inside an event <see cref="Ack"/>: one event the gateway acknowledged but refused (it changed
/// nothing and reached no patient). <paramref name="Code"/> is one of <see cref="EventRefusalCodes"/> (or a newer code:
/// treat an unknown one as a generic refusal); <paramref name="Reason"/> is for humans.
/// </summary>
public sealed record EventRefusal(long Seq, string EventId, string Code, string Reason);

/// <summary>Why the gateway refused a unit event.</summary>
public static class EventRefusalCodes
{
    /// <summary>The event is about a patient this unit does not own (registered elsewhere, or not registered at all).</summary>
    public const string NotOwner = "not_owner";

    /// <summary>The event's payload is missing or does not fit its kind's contract.</summary>
    public const string InvalidPayload = "invalid_payload";
}
