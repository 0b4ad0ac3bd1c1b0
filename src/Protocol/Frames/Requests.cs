using System.Text.Json;
using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Frames;

/// <summary>
/// gateway -> unit, a volatile read. The unit answers with a <see cref="Reply"/> carrying the same
/// <paramref name="Id"/>; after <paramref name="Deadline"/> nobody waits for it any more.
/// </summary>
public sealed record Request(
    string Id,
    string Operation,
    string PatientId,
    DateTimeOffset Deadline,
    JsonElement? Payload = null,
    string? CorrelationId = null) : Frame
{
    public override string? Validate() =>
        CheckId(Id, "id") ?? CheckId(Operation, "operation") ?? CheckId(PatientId, "patientId");
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
