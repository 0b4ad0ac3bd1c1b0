using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>Partner grants as configuration, and partner tokens, for the authorization and audit tests.</summary>
public static class PartnerSetup
{
    public const string AllScopes = "appointments.read appointments.write billing.read billing.write records.read";

    /// <summary><c>Partners:{clientId}:Scopes:n</c> / <c>Partners:{clientId}:Units:n</c> settings.</summary>
    public static Dictionary<string, string?> Grant(this Dictionary<string, string?> settings, string clientId, string scopes, params string[] units)
    {
        var names = scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < names.Length; i++) settings[$"Partners:{clientId}:Scopes:{i}"] = names[i];
        for (var i = 0; i < units.Length; i++) settings[$"Partners:{clientId}:Units:{i}"] = units[i];
        return settings;
    }

    public static string PartnerToken(this GatewayNode gateway, string clientId, string scopes) =>
        gateway.Tokens.Mint(Roles.Partner, clientId, TimeSpan.FromMinutes(30), scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    public static string AdminToken(this GatewayNode gateway, string subject = "root") =>
        gateway.Tokens.Mint(Roles.Admin, subject, TimeSpan.FromMinutes(30));
}
