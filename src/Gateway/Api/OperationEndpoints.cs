using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Sessions;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Api;

public static class OperationEndpoints
{
    /// <summary><c>GET /api/v1/operations/{id}</c>: where a write stands. A patient sees only their own.</summary>
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operations").RequireAuthorization(Policies.Patient).WithTags("Operations");
        group.MapGet("/{operationId}", async (string operationId, HttpContext http, IRequiredActor<UnitSessionRegion> region, IOptions<GatewayOptions> options) =>
        {
            if (operationId.Length > 200 || !OperationId.TryGetUnit(operationId, out var unitId))
                return Problems.OperationNotFound(operationId);

            var answer = await region.ActorRef.Ask<object>(new UnitSessionCommands.GetOperation(unitId, operationId), options.Value.ReadTimeout);
            if (answer is not OperationState state || state.PatientId != http.User.FindFirst("sub")?.Value)
                return Problems.OperationNotFound(operationId); // another patient's operation looks like none

            return TypedResults.Ok(OperationView.From(state));
        });
        return group;
    }
}
