using System.Text.Json;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Gateway.Units.Session;

namespace HealthGateway.Gateway.Api;

/// <summary>What <c>GET /api/v1/operations/{id}</c> and the write endpoints return.</summary>
public sealed record OperationView(
    string Id,
    OperationStatus Status,
    string Operation,
    string PatientId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SettledAt,
    JsonElement? Result,
    string? Reason)
{
    public static OperationView From(UnitSessionReplies.OperationState state)
    {
        JsonElement? result = null;
        if (state.ResultJson is { Length: > 0 } json)
        {
            using var doc = JsonDocument.Parse(json);
            result = doc.RootElement.Clone();
        }
        return new OperationView(state.OperationId, state.Status, state.Operation, state.PatientId, state.CreatedAt,
            state.ExpiresAt, state.SettledAt, result, state.Reason);
    }
}
