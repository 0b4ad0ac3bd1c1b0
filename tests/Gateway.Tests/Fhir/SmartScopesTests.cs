using System.Security.Claims;
using HealthGateway.Gateway.Auth;

namespace HealthGateway.Gateway.Tests.Fhir;

/// <summary>SMART v2 scope names as gateway scopes: only a SMART scope that covers all a gateway scope allows stands for it.</summary>
public sealed class SmartScopesTests
{
    [Theory]
    [InlineData("system/Appointment.rs", "appointments.read")]
    [InlineData("patient/Appointment.cruds", "appointments.read appointments.write")]
    [InlineData("user/Appointment.cu", "appointments.write")]
    [InlineData("system/Appointment.c", "")] // books, but cannot move or cancel: not all of appointments.write
    [InlineData("system/Appointment.r", "")] // read without search
    [InlineData("system/Invoice.rs system/Invoice.u", "billing.read billing.write")]
    [InlineData("system/Condition.rs", "")] // records.read shows all four record types
    [InlineData("system/AllergyIntolerance.rs system/Condition.rs system/MedicationStatement.rs system/Encounter.rs", "records.read")]
    [InlineData("system/*.rs", "appointments.read billing.read records.read")]
    [InlineData("system/*.cruds", "appointments.read appointments.write billing.read billing.write records.read")]
    [InlineData("system/Appointment.sr", "")] // out of cruds order: not a v2 scope
    [InlineData("system/Appointment.rs?status=booked", "")] // restricted scopes are not widened
    [InlineData("launch/Appointment.rs", "")]
    [InlineData("system/Appointment.read", "")] // SMART v1
    public void Translates_only_covering_scopes(string smart, string expected)
    {
        var names = smart.Split(' ');
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Order(), SmartScopes.ToGatewayScopes(names).Order());
    }

    [Fact]
    public void A_token_with_SMART_scopes_carries_the_gateway_scopes_they_add_up_to()
    {
        var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim("scope", "system/Appointment.rs billing.read unknown")], "test"));
        Assert.Equal(["appointments.read", "billing.read"], Scopes.FromToken(user).Order());
    }
}
