using HealthGateway.Gateway.Auth;

namespace HealthGateway.Gateway.Api;

public static class PatientRoutes
{
    /// <summary>
    /// <c>/api/v1/patients/{patientId}</c>: every endpoint under it requires a patient token and goes
    /// through <see cref="PatientAccessFilter"/>, the one place that decides who may touch which patient.
    /// </summary>
    public static RouteGroupBuilder MapPatientGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/patients/{patientId}")
            .RequireAuthorization(Policies.Patient)
            .AddEndpointFilter<PatientAccessFilter>()
            .RequireRateLimiting(RateLimiting.PerCaller)
            .WithTags("Patients");
}
