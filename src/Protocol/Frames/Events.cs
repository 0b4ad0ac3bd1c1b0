using System.Text.Json;

namespace HealthGateway.Protocol.Frames;

/// <summary>
/// unit -> gateway, changes made at the unit, in seq order, from the unit's outbox.
/// The gateway answers with an <see cref="Ack"/> once they are durable; the unit resends
/// anything unacknowledged after a reconnect, and the gateway drops seqs it already holds.
/// </summary>
public sealed record EventBatch(IReadOnlyList<UnitEvent> Events) : Frame
{
    public override string? Validate()
    {
        if (Events.Count == 0) return "'events' must not be empty";
        if (Events.Count > ProtocolConstants.MaxEventsPerFrame)
            return $"'events' holds more than {ProtocolConstants.MaxEventsPerFrame} events";
        long previous = 0;
        foreach (var e in Events)
        {
            if (e.Seq <= previous) return "'events' must have increasing seqs > 0";
            previous = e.Seq;
            var error = CheckId(e.EventId, "eventId") ?? CheckId(e.Kind, "kind") ?? CheckId(e.PatientId, "patientId");
            if (error is not null) return error;
        }
        return null;
    }
}

public sealed record UnitEvent(
    long Seq,
    string EventId,
    string Kind,
    string PatientId,
    DateTimeOffset OccurredAt,
    JsonElement? Payload = null);
