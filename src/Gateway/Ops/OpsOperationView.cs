using System.Text.Json;
using System.Text.Json.Serialization;
using HealthGateway.Gateway.Units.Messages;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// <c>GET /api/v1/ops/operations/{id}</c>: the operation's operational fields for every admin, its patient data
/// (<see cref="PatientId"/>, <see cref="Result"/>, <see cref="Reason"/>, a patient's <see cref="RequestedBy"/>) only
/// for an admin granted that data (<see cref="OperationDataAccess"/>). Withheld fields are absent (never null: a
/// client cannot mistake "withheld" for "none") and named in <see cref="Withheld"/> (empty when nothing was withheld);
/// fields without a value are absent too.
/// </summary>
public sealed record OpsOperationView(
    string Id,
    OperationStatus Status,
    string Operation,
    string UnitId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SettledAt,
    string RequesterRole,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestedBy,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PatientId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Result,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    IReadOnlyList<string> Withheld)
{
    /// <summary>JSON names of the fields withheld from an admin without a grant.</summary>
    public static class Fields
    {
        public const string PatientId = "patientId";
        public const string RequestedBy = "requestedBy";
        public const string Result = "result";
        public const string Reason = "reason";
    }

    public static OpsOperationView From(UnitSessionReplies.OperationState state, string unitId, bool showPatientData)
    {
        var view = Api.OperationView.From(state);
        var requesterRole = state.RequestedBy.Split(':', 2)[0];
        if (showPatientData)
            return new OpsOperationView(view.Id, view.Status, view.Operation, unitId, view.CreatedAt, view.ExpiresAt, view.SettledAt,
                requesterRole, state.RequestedBy, view.PatientId, view.Result, view.Reason, []);

        // A patient requester's subject is its patient id; a partner's or admin's client id is not patient data.
        var requesterIsPatient = requesterRole == Auth.Roles.Patient;
        var withheld = new List<string> { Fields.PatientId };
        if (requesterIsPatient) withheld.Add(Fields.RequestedBy);
        // The reason is the unit's free text (it may quote the request), so it is patient data too.
        if (view.Result is not null) withheld.Add(Fields.Result);
        if (view.Reason is not null) withheld.Add(Fields.Reason);
        return new OpsOperationView(view.Id, view.Status, view.Operation, unitId, view.CreatedAt, view.ExpiresAt, view.SettledAt,
            requesterRole, requesterIsPatient ? null : state.RequestedBy, null, null, null, withheld);
    }
}
