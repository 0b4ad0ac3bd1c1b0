using HealthGateway.Bench.Common;
using HealthGateway.Protocol.Codec;

namespace HealthGateway.Bench.Baselines;

/// <summary>Baseline (a): Kestrel answers the read itself, after the same JWT check. The ceiling.</summary>
public static class DirectJson
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/v1/patients/{patientId}/appointments", (string patientId) =>
                TypedResults.Json(ReadPayload.For(patientId), ProtocolJsonContext.Default.AppointmentList))
            .RequireAuthorization("patient").AddEndpointFilter<SamePatientFilter>();
}
