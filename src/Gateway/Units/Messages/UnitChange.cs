using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Units.Messages;

/// <summary>
/// A change a unit reported (one <see cref="UnitEvent"/>), in a form that crosses cluster nodes:
/// the payload is kept as raw JSON text rather than a <c>JsonElement</c>.
/// </summary>
public sealed record UnitChange(long Seq, string EventId, string Kind, string PatientId, DateTimeOffset OccurredAt, string? PayloadJson)
{
    /// <summary>
    /// A unit's time is shown to patients (their live events) but never decides anything (ADR 12); a time beyond the
    /// gateway's clock (plus skew) is clamped so a unit cannot date its news into the future.
    /// </summary>
    public static UnitChange From(UnitEvent e, DateTimeOffset now, TimeSpan skew) =>
        new(e.Seq, e.EventId, e.Kind, e.PatientId, e.OccurredAt > now + skew ? now : e.OccurredAt, e.Payload?.GetRawText());
}
