using HealthGateway.Protocol.Frames;

namespace HealthGateway.Gateway.Sessions;

/// <summary>
/// A change a unit reported (one <see cref="UnitEvent"/>), in a form that crosses cluster nodes:
/// the payload is kept as raw JSON text rather than a <c>JsonElement</c>.
/// </summary>
public sealed record UnitChange(long Seq, string EventId, string Kind, string PatientId, DateTimeOffset OccurredAt, string? PayloadJson)
{
    /// <summary>
    /// A unit's clock decides which registration of a patient is newest, so a time beyond the gateway's
    /// clock (plus skew) is clamped: a unit cannot claim a patient "forever" with a far-future timestamp.
    /// </summary>
    public static UnitChange From(UnitEvent e, DateTimeOffset now, TimeSpan skew) =>
        new(e.Seq, e.EventId, e.Kind, e.PatientId, e.OccurredAt > now + skew ? now : e.OccurredAt, e.Payload?.GetRawText());
}
