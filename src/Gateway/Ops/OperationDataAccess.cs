using System.Security.Claims;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Routing;
using HealthGateway.Protocol;
using static HealthGateway.Gateway.Units.Messages.UnitSessionReplies;

namespace HealthGateway.Gateway.Ops;

/// <summary>
/// Whether an ops caller may see the patient data of an operation (its patient, result, reason, a patient requester).
/// The same decision as <c>/api/v1/patients</c> (<see cref="PatientAccessPolicy.DecideAsync"/>): the admin's grant
/// and token must both name the scope that reads this kind of data, and the grant must name the patient's unit.
/// An admin without a grant sees the operation's operational fields only.
/// </summary>
public sealed class OperationDataAccess(PatientAccessPolicy policy, PatientDirectory directory)
{
    public async ValueTask<bool> MaySeePatientDataAsync(ClaimsPrincipal user, OperationState state, CancellationToken ct) =>
        ReadScopeOf(state.Operation) is { } scope
        && await policy.DecideAsync(user, state.PatientId, scope, directory.FindUnitAsync, ct) == AccessOutcome.Allowed;

    /// <summary>The scope that reads what a write of this kind touches (its result is that kind of data); null: nobody via ops.</summary>
    public static string? ReadScopeOf(string operation) => operation switch
    {
        Operations.BookAppointment or Operations.RescheduleAppointment or Operations.CancelAppointment => Scopes.AppointmentsRead,
        Operations.PayInvoice => Scopes.BillingRead,
        _ => null,
    };
}
