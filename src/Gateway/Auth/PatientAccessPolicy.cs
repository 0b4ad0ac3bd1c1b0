using System.Security.Claims;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Auth;

/// <summary>The answer of <see cref="PatientAccessPolicy"/>: each maps to one HTTP status.</summary>
public enum AccessOutcome
{
    Allowed,
    /// <summary>401: no valid identity.</summary>
    Unauthenticated,
    /// <summary>403: this caller may never do this (its role, or a scope it lacks). Says nothing about the patient.</summary>
    Forbidden,
    /// <summary>404: another patient, or a patient outside the caller's granted units; looks like an unknown patient.</summary>
    NotFound,
}

/// <summary>
/// Every decision about who may touch which patient's data, in one place:
/// a patient only its own id; a partner (or a granted admin) only within scopes named by BOTH its grant
/// and its token, and only for patients whose unit is granted; a unit never; an admin without a grant never.
/// An endpoint without a required scope is for patients only.
/// </summary>
public sealed class PatientAccessPolicy(IOptionsMonitor<AccessGrantOptions> grants)
{
    public delegate ValueTask<string?> UnitLookup(string patientId, CancellationToken ct);

    public async ValueTask<AccessOutcome> DecideAsync(ClaimsPrincipal user, string patientId, string? requiredScope, UnitLookup unitOf, CancellationToken ct)
    {
        var caller = Caller.From(user);
        if (!caller.IsAuthenticated) return AccessOutcome.Unauthenticated;
        if (caller.Role == Roles.Patient)
            return string.Equals(caller.Subject, patientId, StringComparison.Ordinal) ? AccessOutcome.Allowed : AccessOutcome.NotFound;

        if (requiredScope is null || !HasScope(user, caller, requiredScope, out var grant)) return AccessOutcome.Forbidden;
        // Scope first, patient second: a 403 says something about the caller, never about the patient.
        var unitId = await unitOf(patientId, ct);
        return unitId is not null && grant.Units.Contains(unitId, StringComparer.Ordinal) ? AccessOutcome.Allowed : AccessOutcome.NotFound;
    }

    /// <summary>
    /// Whether the caller may ask <paramref name="unitId"/>'s session about an operation at all (before waking it):
    /// a patient its own unit or, after a transfer, any unit the directory knows (its writes queued there stay there;
    /// <see cref="MaySeeOperation"/> still shows it only its own); a grantee only its granted units. Units and ungranted
    /// admins may not. A made-up unit id never wakes a session.
    /// </summary>
    public async ValueTask<AccessOutcome> MayAskOperationUnitAsync(ClaimsPrincipal user, string unitId, UnitLookup unitOf, CancellationToken ct,
        Func<string, CancellationToken, Task<bool>>? unitKnown = null)
    {
        var caller = Caller.From(user);
        if (!caller.IsAuthenticated) return AccessOutcome.Unauthenticated;
        if (caller.Role == Roles.Patient)
            return await unitOf(caller.Subject, ct) == unitId || (unitKnown is not null && await unitKnown(unitId, ct))
                ? AccessOutcome.Allowed : AccessOutcome.NotFound;
        var grant = grants.CurrentValue.For(caller.Role, caller.Subject);
        if (grant is null) return AccessOutcome.Forbidden;
        return grant.Units.Contains(unitId, StringComparer.Ordinal) ? AccessOutcome.Allowed : AccessOutcome.NotFound;
    }

    /// <summary>A patient sees the operations on its own data; a grantee sees the operations it requested.</summary>
    public static bool MaySeeOperation(ClaimsPrincipal user, string operationPatientId, string requestedBy)
    {
        var caller = Caller.From(user);
        return caller.Role == Roles.Patient
            ? string.Equals(caller.Subject, operationPatientId, StringComparison.Ordinal)
            : caller.IsAuthenticated && string.Equals(caller.RequestedBy, requestedBy, StringComparison.Ordinal);
    }

    private bool HasScope(ClaimsPrincipal user, Caller caller, string scope, out AccessGrant grant)
    {
        grant = grants.CurrentValue.For(caller.Role, caller.Subject)!;
        return grant is not null && grant.Scopes.Contains(scope, StringComparer.Ordinal) && Scopes.FromToken(user).Contains(scope);
    }
}
