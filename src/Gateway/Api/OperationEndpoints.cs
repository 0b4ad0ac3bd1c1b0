using Akka.Actor;
using Akka.Hosting;
using HealthGateway.Gateway.Api.OpenApi;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Sessions;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Sessions.UnitSessionReplies;

namespace HealthGateway.Gateway.Api;

public static class OperationEndpoints
{
    /// <summary>
    /// <c>GET /api/v1/operations/{id}</c>: where a write stands. A patient sees the operations on its own data,
    /// a partner (or granted admin) those it requested at its granted units; anything else looks like no operation.
    /// </summary>
    public static RouteGroupBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operations").RequireAuthorization(Policies.Caller)
            .WithMetadata(AuditedEndpoint.Instance).AddEndpointFilter<AuditResultFilter>()
            .RequireRateLimiting(RateLimiting.PerCaller).WithTags("Operations");
        group.MapGet("/{operationId}", async (string operationId, HttpContext http, IRequiredActor<UnitSessionRegion> region,
            PatientDirectory directory, PatientDirectoryStore directoryStore, PatientAccessPolicy policy, IOptions<GatewayOptions> options) =>
        {
            if (operationId.Length > 200 || !OperationId.TryGetUnit(operationId, out var unitId))
                return Problems.OperationNotFound(operationId);

            // Only a unit the caller may reach is asked: a made-up unit id must not wake a session (and its recovery).
            switch (await policy.MayAskOperationUnitAsync(http.User, unitId, directory.FindUnitAsync, http.RequestAborted, directoryStore.HasUnitAsync))
            {
                case AccessOutcome.Forbidden: return Problems.Forbidden("Not allowed", "This caller may not read operations.");
                case AccessOutcome.Unauthenticated or AccessOutcome.NotFound: return Problems.OperationNotFound(operationId);
            }

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
            if (answer is not OperationState state || !PatientAccessPolicy.MaySeeOperation(http.User, state.PatientId, state.RequestedBy))
                return Problems.OperationNotFound(operationId); // someone else's operation looks like none

            if (http.Audit() is { } audit) audit.PatientId = state.PatientId;
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
