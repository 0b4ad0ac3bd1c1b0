using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Sessions;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Api;

public static class OperationEndpoints
{
    /// <summary><c>GET /api/v1/operations/{id}</c>: where a write stands. A patient sees only their own.</summary>
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operations").RequireAuthorization(Policies.Patient)
            .RequireRateLimiting(RateLimiting.PerCaller).WithTags("Operations");
        group.MapGet("/{operationId}", async (string operationId, HttpContext http, IRequiredActor<UnitSessionRegion> region,
            PatientDirectory directory, IOptions<GatewayOptions> options) =>
        {
            if (operationId.Length > 200 || !OperationId.TryGetUnit(operationId, out var unitId))
                return Problems.OperationNotFound(operationId);

            // Only the caller's own unit is asked: a made-up unit id must not wake a session (and its recovery).
            var patientId = http.User.FindFirst("sub")?.Value ?? "";
            if (await directory.FindUnitAsync(patientId, http.RequestAborted) != unitId)
                return Problems.OperationNotFound(operationId);

            object answer;
            try
            {
                answer = await region.ActorRef.Ask<object>(new UnitSessionCommands.GetOperation(unitId, operationId), options.Value.ReadTimeout);
            }
            catch (AskTimeoutException)
            {
                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "Operation status unavailable",
                    "The unit's session did not answer in time (it may be recovering). Try again shortly.", 5);
            }
            if (answer is not OperationState state || state.PatientId != http.User.FindFirst("sub")?.Value)
                return Problems.OperationNotFound(operationId); // another patient's operation looks like none

            return TypedResults.Ok(OperationView.From(state));
        })
        .WithName(EndpointNames.GetOperation)
        .WithSummary("Where a write stands: queued, delivered, applied, rejected or expired")
        .Produces<OperationView>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
