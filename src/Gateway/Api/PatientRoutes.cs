using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.RateLimits;

namespace HealthGateway.Gateway.Api;

public static class PatientRoutes
{
    /// <summary>
    /// <c>/api/v1/patients/{patientId}</c>: every endpoint under it requires a valid token, goes through
    /// <see cref="PatientAccessFilter"/> (the one place that decides who may touch which patient) and is audited.
    /// An endpoint declares what partners need with <c>.RequireScope(Scopes.X)</c>; without it, patients only.
    /// </summary>
    public static RouteGroupBuilder MapPatientGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1/patients/{patientId}")
            .RequireAuthorization(Policies.Caller)
            .WithMetadata(AuditedEndpoint.Instance)
            .AddEndpointFilter<PatientAccessFilter>()
            .RequirePerCallerLimit()
            .WithTags("Patients");
}
