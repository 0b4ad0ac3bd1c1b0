using System.Text.Json;
using HealthGateway.Gateway.Sessions;

namespace HealthGateway.Gateway.Ops;

/// <summary><c>GET /api/v1/ops/operations/{id}</c>: the operation as patients see it, plus who asked and for which unit.</summary>
public sealed record OpsOperationView(
    string Id,
    OperationStatus Status,
    string Operation,
    string PatientId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SettledAt,
    JsonElement? Result,
    string? Reason,
    string RequestedBy,
    string UnitId)
{
    public static OpsOperationView From(UnitSessionReplies.OperationState state, string unitId)
    {
        var view = Api.OperationView.From(state);
        return new OpsOperationView(view.Id, view.Status, view.Operation, view.PatientId, view.CreatedAt, view.ExpiresAt,
            view.SettledAt, view.Result, view.Reason, state.RequestedBy, unitId);
    }
}
