using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Frames;

/// <summary>
/// gateway -> unit, a volatile read. The unit answers with a <see cref="Reply"/> carrying the same
/// <paramref name="Id"/>; after <paramref name="Deadline"/> nobody waits for it any more.
/// <paramref name="TraceParent"/> and <paramref name="TraceState"/> are W3C Trace Context: the unit's span for
/// this request is a child of the gateway's (wire names <c>traceparent</c>, <c>tracestate</c>).
/// </summary>
public sealed record Request(
    string Id,
    string Operation,
    string PatientId,
    DateTimeOffset Deadline,
    JsonElement? Payload = null,
    string? CorrelationId = null,
    [property: JsonPropertyName("traceparent")] string? TraceParent = null,
    [property: JsonPropertyName("tracestate")] string? TraceState = null) : Frame
{
    public override string? Validate() =>
        CheckId(Id, "id") ?? CheckId(Operation, "operation") ?? CheckId(PatientId, "patientId")
        ?? CheckTraceContext(TraceParent, TraceState);
}

/// <summary>unit -> gateway, the answer to the <see cref="Request"/> with the same id.</summary>
public sealed record Reply(string Id, ReplyStatus Status, JsonElement? Payload = null, string? Error = null) : Frame
{
    public override string? Validate() => CheckId(Id, "id");
}

public enum ReplyStatus
{
    [JsonStringEnumMemberName("ok")] Ok,
    [JsonStringEnumMemberName("not_found")] NotFound,
    [JsonStringEnumMemberName("invalid")] Invalid,
    [JsonStringEnumMemberName("unsupported")] Unsupported,
    [JsonStringEnumMemberName("error")] Error,
}
