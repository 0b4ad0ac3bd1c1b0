using System.Security.Claims;
using HealthGateway.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Tests.Auth;

public sealed class PatientAccessPolicyTests
{
    private static readonly AccessGrantOptions Grants = new()
    {
        Partners =
        {
            ["acme"] = new AccessGrant { Scopes = [Scopes.AppointmentsRead, Scopes.BillingRead], Units = ["unit-a"] },
        },
        Admins =
        {
            ["auditor"] = new AccessGrant { Scopes = [Scopes.RecordsRead], Units = ["unit-a"] },
        },
    };

    private static readonly PatientAccessPolicy Policy = new(new StaticMonitor(Grants));

    private static ValueTask<string?> UnitOf(string patientId, CancellationToken _) =>
        ValueTask.FromResult(patientId switch { "p-a" => "unit-a", "p-b" => "unit-b", _ => (string?)null });

    private static ClaimsPrincipal User(string role, string sub, params string[] scopeClaims)
    {
        var claims = new List<Claim> { new("role", role), new("sub", sub) };
        claims.AddRange(scopeClaims.Select(s => new Claim("scope", s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test", "sub", "role"));
    }

    public static TheoryData<string, string, string, string?, AccessOutcome> Cases => new()
    {
        // caller, token scope, patient, required scope (null = patients only), outcome
        { "patient:p-a", "", "p-a", Scopes.AppointmentsRead, AccessOutcome.Allowed },
        { "patient:p-a", "", "p-a", null, AccessOutcome.Allowed },
        { "patient:p-a", "", "p-b", Scopes.AppointmentsRead, AccessOutcome.NotFound },
        { "patient:p-a", "", "p-unknown", null, AccessOutcome.NotFound },
        { "partner:acme", "appointments.read", "p-a", Scopes.AppointmentsRead, AccessOutcome.Allowed },
        { "partner:acme", "appointments.read billing.read", "p-a", Scopes.BillingRead, AccessOutcome.Allowed },
        // token has it, grant does not
        { "partner:acme", "appointments.write", "p-a", Scopes.AppointmentsWrite, AccessOutcome.Forbidden },
        // grant has it, token does not
        { "partner:acme", "appointments.read", "p-a", Scopes.BillingRead, AccessOutcome.Forbidden },
        // patient of a unit not granted, or unknown: like an unknown patient
        { "partner:acme", "appointments.read", "p-b", Scopes.AppointmentsRead, AccessOutcome.NotFound },
        { "partner:acme", "appointments.read", "p-unknown", Scopes.AppointmentsRead, AccessOutcome.NotFound },
        // scope is checked before the patient: a 403 says nothing about whether p-b exists
        { "partner:acme", "", "p-b", Scopes.AppointmentsRead, AccessOutcome.Forbidden },
        // endpoints without scope metadata are for patients only
        { "partner:acme", "appointments.read", "p-a", null, AccessOutcome.Forbidden },
        { "partner:nobody", "appointments.read", "p-a", Scopes.AppointmentsRead, AccessOutcome.Forbidden },
        { "partner:acme", "appointments.read unknown.scope", "p-a", Scopes.AppointmentsRead, AccessOutcome.Allowed },
        { "unit:unit-a", "appointments.read", "p-a", Scopes.AppointmentsRead, AccessOutcome.Forbidden },
        { "admin:root", "appointments.read", "p-a", Scopes.AppointmentsRead, AccessOutcome.Forbidden },
        { "admin:auditor", "records.read", "p-a", Scopes.RecordsRead, AccessOutcome.Allowed },
        { "admin:auditor", "records.read", "p-b", Scopes.RecordsRead, AccessOutcome.NotFound },
        { "admin:auditor", "appointments.read", "p-a", Scopes.AppointmentsRead, AccessOutcome.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Decides(string caller, string scope, string patientId, string? required, AccessOutcome expected)
    {
        var (role, sub) = (caller.Split(':')[0], caller.Split(':')[1]);
        var user = scope.Length == 0 ? User(role, sub) : User(role, sub, scope);
        Assert.Equal(expected, await Policy.DecideAsync(user, patientId, required, UnitOf, CancellationToken.None));
    }

    [Fact]
    public async Task Anonymous_is_unauthenticated() =>
        Assert.Equal(AccessOutcome.Unauthenticated,
            await Policy.DecideAsync(new ClaimsPrincipal(new ClaimsIdentity()), "p-a", Scopes.AppointmentsRead, UnitOf, CancellationToken.None));

    [Fact]
    public async Task A_scope_claim_given_twice_grants_nothing() =>
        Assert.Equal(AccessOutcome.Forbidden, await Policy.DecideAsync(
            User(Roles.Partner, "acme", Scopes.AppointmentsRead, Scopes.AppointmentsRead), "p-a", Scopes.AppointmentsRead, UnitOf, CancellationToken.None));

    [Fact]
    public void Operations_are_visible_to_their_patient_and_to_whoever_requested_them()
    {
        Assert.True(PatientAccessPolicy.MaySeeOperation(User(Roles.Patient, "p-a"), "p-a", "partner:acme"));
        Assert.False(PatientAccessPolicy.MaySeeOperation(User(Roles.Patient, "p-b"), "p-a", "patient:p-b"));
        Assert.True(PatientAccessPolicy.MaySeeOperation(User(Roles.Partner, "acme"), "p-a", "partner:acme"));
        Assert.False(PatientAccessPolicy.MaySeeOperation(User(Roles.Partner, "acme"), "p-a", "patient:p-a"));
        Assert.False(PatientAccessPolicy.MaySeeOperation(User(Roles.Partner, "other"), "p-a", "partner:acme"));
        Assert.False(PatientAccessPolicy.MaySeeOperation(new ClaimsPrincipal(new ClaimsIdentity()), "p-a", "anonymous:"));
    }

    [Fact]
    public async Task Only_reachable_units_are_asked_about_operations()
    {
        Assert.Equal(AccessOutcome.Allowed, await Policy.MayAskOperationUnitAsync(User(Roles.Patient, "p-a"), "unit-a", UnitOf, default));
        Assert.Equal(AccessOutcome.NotFound, await Policy.MayAskOperationUnitAsync(User(Roles.Patient, "p-a"), "unit-b", UnitOf, default));
        Assert.Equal(AccessOutcome.Allowed, await Policy.MayAskOperationUnitAsync(User(Roles.Partner, "acme"), "unit-a", UnitOf, default));
        Assert.Equal(AccessOutcome.NotFound, await Policy.MayAskOperationUnitAsync(User(Roles.Partner, "acme"), "unit-b", UnitOf, default));
        Assert.Equal(AccessOutcome.Forbidden, await Policy.MayAskOperationUnitAsync(User(Roles.Unit, "unit-a"), "unit-a", UnitOf, default));
        Assert.Equal(AccessOutcome.Forbidden, await Policy.MayAskOperationUnitAsync(User(Roles.Admin, "root"), "unit-a", UnitOf, default));
    }

    [Fact]
    public async Task A_transferred_patient_may_ask_a_known_unit_but_never_an_unknown_one()
    {
        Task<bool> Known(string unitId, CancellationToken _) => Task.FromResult(unitId == "unit-b");
        Assert.Equal(AccessOutcome.Allowed, await Policy.MayAskOperationUnitAsync(User(Roles.Patient, "p-a"), "unit-b", UnitOf, default, Known));
        Assert.Equal(AccessOutcome.NotFound, await Policy.MayAskOperationUnitAsync(User(Roles.Patient, "p-a"), "unit-made-up", UnitOf, default, Known));
        // Grantees stay within their grants whatever the directory knows.
        Assert.Equal(AccessOutcome.NotFound, await Policy.MayAskOperationUnitAsync(User(Roles.Partner, "acme"), "unit-b", UnitOf, default, Known));
    }

    private sealed class StaticMonitor(AccessGrantOptions value) : IOptionsMonitor<AccessGrantOptions>
    {
        public AccessGrantOptions CurrentValue => value;
        public AccessGrantOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AccessGrantOptions, string?> listener) => null;
    }
}
