using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Sessions;

/// <summary>
/// A change a unit reported (one <see cref="UnitEvent"/>), in a form that crosses cluster nodes:
/// the payload is kept as raw JSON text rather than a <c>JsonElement</c>.
/// </summary>
public sealed record UnitChange(long Seq, string EventId, string Kind, string PatientId, DateTimeOffset OccurredAt, string? PayloadJson)
{
    public static UnitChange From(UnitEvent e) =>
        new(e.Seq, e.EventId, e.Kind, e.PatientId, e.OccurredAt, e.Payload?.GetRawText());
}
