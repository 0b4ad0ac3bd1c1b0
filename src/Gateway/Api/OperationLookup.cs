using Akka.Actor;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;
using HealthGateway.Gateway.Units;
using Microsoft.Extensions.Options;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Api;

/// <summary>
/// Where a write stands, for the caller asking: the one lookup behind <c>GET /api/v1/operations/{id}</c> and FHIR's
/// <c>GET /fhir/r4/_operations/{id}</c>. A patient sees the operations on its own data, a partner (or granted admin)
/// those it requested at its granted units; anything else looks like no operation (404).
/// </summary>
public sealed class OperationLookup(
    UnitGateway units,
    PatientDirectory directory,
    PatientDirectoryStore directoryStore,
    PatientAccessPolicy policy,
    IOptions<GatewayOptions> options)
{
    public async Task<(OperationState? State, IResult? Problem)> FindAsync(HttpContext http, string operationId)
    {
        if (operationId.Length > 200 || !OperationId.TryGetUnit(operationId, out var unitId))
            return (null, Problems.OperationNotFound(operationId));

        // Only a unit the caller may reach is asked: a made-up unit id must not wake a session (and its recovery).
        switch (await policy.MayAskOperationUnitAsync(http.User, unitId, directory.FindUnitAsync, http.RequestAborted, directoryStore.HasUnitAsync))
        {
            case AccessOutcome.Forbidden: return (null, Problems.Forbidden("Not allowed", "This caller may not read operations."));
            case AccessOutcome.Unauthenticated or AccessOutcome.NotFound: return (null, Problems.OperationNotFound(operationId));
        }

        object answer;
        try
        {
            answer = await units.QueryOperationAsync(new UnitSessionCommands.GetOperation(unitId, operationId), options.Value.ReadTimeout);
        }
        catch (AskTimeoutException)
        {
            return (null, Problems.Create(StatusCodes.Status503ServiceUnavailable, "Operation status unavailable",
                "The unit's session did not answer in time (it may be recovering). Try again shortly.", 5));
        }
        if (answer is not OperationState state || !PatientAccessPolicy.MaySeeOperation(http.User, state.PatientId, state.RequestedBy))
            return (null, Problems.OperationNotFound(operationId)); // someone else's operation looks like none

        if (http.Audit() is { } audit) audit.PatientId = state.PatientId;
        return (state, null);
    }
}
