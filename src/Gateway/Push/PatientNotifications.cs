using System.Text.Json;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Units.Messages;
using static HealthGateway.Gateway.Push.PatientFeedCommands;

namespace HealthGateway.Gateway.Push;

/// <summary>Turns what a unit session made durable into events for the patient's feed.</summary>
public static class PatientNotifications
{
    /// <summary>An operation's new state; <c>data</c> has the same shape as GET /api/v1/operations/{id}.</summary>
    public static Publish OperationStatus(UnitSessionReplies.OperationState state, DateTimeOffset now) =>
        new(state.PatientId, PatientEventTypes.OperationStatus, state.SettledAt ?? now,
            JsonSerializer.Serialize(OperationView.From(state), ApiJson.Context.OperationView));

    /// <summary>A unit-reported change the patient's app shows, or null for kinds it does not (e.g. registrations).</summary>
    public static Publish? UnitChange(UnitChange change)
    {
        var type = TypeOf(change.Kind);
        if (type is null) return null;
        JsonElement? payload = null;
        if (change.PayloadJson is { Length: > 0 } json)
        {
            using var doc = JsonDocument.Parse(json);
            payload = doc.RootElement.Clone();
        }
        var data = new UnitChangeData(change.Kind, change.EventId, change.OccurredAt, payload);
        return new Publish(change.PatientId, type, change.OccurredAt, JsonSerializer.Serialize(data, PushJson.Context.UnitChangeData));
    }

    private static string? TypeOf(string kind) =>
        kind.StartsWith("appointment.", StringComparison.Ordinal) ? PatientEventTypes.AppointmentChanged
        : kind.StartsWith("invoice.", StringComparison.Ordinal) ? PatientEventTypes.InvoiceChanged
        : kind.StartsWith("record.", StringComparison.Ordinal) ? PatientEventTypes.RecordChanged
        : null;
}
