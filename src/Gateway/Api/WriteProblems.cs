using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Api;

/// <summary>The problem of a durable write that did not apply: it names the operation, so it lives with the writes.</summary>
public static class WriteProblems
{
    /// <summary>422 for a write the unit rejected or that expired, with the operation's id, status and reason.</summary>
    public static IResult NotApplied(UnitSessionReplies.OperationState state, string location) =>
        new LocatedResult(TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: state.Status == OperationStatus.Expired ? "Write expired" : "Write rejected by the unit",
            detail: state.Reason ?? state.Status.ToString().ToLowerInvariant(),
            extensions: new Dictionary<string, object?>
            {
                ["operationId"] = state.OperationId,
                ["operationStatus"] = state.Status == OperationStatus.Expired ? "expired" : "rejected",
                ["reason"] = state.Reason,
            }), location);
}
