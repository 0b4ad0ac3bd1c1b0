using System.Text.Json;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;

namespace HealthGateway.Bench.Common;

/// <summary>The reply every bench server and simulated unit gives to a read: one appointment, ~256 bytes of JSON.</summary>
public static class ReadPayload
{
    private static readonly DateTimeOffset StartsAt = new(2030, 1, 2, 9, 30, 0, TimeSpan.Zero);

    public static AppointmentList For(string patientId) => new(patientId,
    [
        new Appointment("apt-000000000001", patientId, StartsAt, 30, "Dr. Bench Marker", "Routine follow-up visit", AppointmentStatus.Booked),
    ]);

    public static JsonElement ElementFor(string patientId) =>
        FrameCodec.ToElement(For(patientId), ProtocolJsonContext.Default.AppointmentList);

    public static int SizeFor(string patientId) =>
        JsonSerializer.SerializeToUtf8Bytes(For(patientId), ProtocolJsonContext.Default.AppointmentList).Length;
}
