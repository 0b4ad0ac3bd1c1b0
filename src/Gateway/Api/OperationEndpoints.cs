using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.RateLimits;

namespace HealthGateway.Gateway.Api;

public static class OperationEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/operations/{id}</c>: where a write stands (who may see which operation: <see cref="OperationLookup"/>).
    /// </summary>
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operations").RequireAuthorization(Policies.Caller)
            .WithMetadata(AuditedEndpoint.Instance).AddEndpointFilter<AuditResultFilter>()
            .RequirePerCallerLimit().WithTags("Operations");
        group.MapGet("/{operationId}", async (string operationId, HttpContext http, OperationLookup operations) =>
        {
            var (state, problem) = await operations.FindAsync(http, operationId);
            return problem ?? TypedResults.Ok(OperationView.From(state!));
        })
        .WithName(EndpointNames.GetOperation)
        .WithSummary("Where a write stands: queued, delivered, applied, rejected or expired")
        .Produces<OperationView>()
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
