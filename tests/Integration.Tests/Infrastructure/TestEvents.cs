using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests.Infrastructure;

/// <summary>Unit events as a well-behaved unit sends them (a registration carries its payload, docs/protocol.md section 10).</summary>
public static class TestEvents
{
    public static System.Text.Json.JsonElement RegisteredPayload(string displayName = "Test P.") =>
        FrameCodec.ToElement(new PatientRegistered(displayName), ProtocolJsonContext.Default.PatientRegistered);

    public static UnitEvent Registered(long seq, string patientId, string? eventId = null) =>
        new(seq, eventId ?? $"ev-{patientId}-{seq}", UnitEventKinds.PatientRegistered, patientId, DateTimeOffset.UtcNow, RegisteredPayload());

    public static UnitEvent Released(long seq, string patientId, string toUnitId) =>
        new(seq, $"ev-release-{patientId}-{seq}", UnitEventKinds.PatientReleased, patientId, DateTimeOffset.UtcNow,
            FrameCodec.ToElement(new PatientReleased(toUnitId), ProtocolJsonContext.Default.PatientReleased));
}
