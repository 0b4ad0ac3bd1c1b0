namespace HealthGateway.Gateway.Auth;

/// <summary>
/// Grants from configuration: section <c>Partners:{clientId}</c> (a partner's <c>sub</c>) and
/// <c>Authorization:Admins:{sub}</c>, each with <c>Scopes</c> and <c>Units</c> arrays. An admin without
/// an entry reaches no patient data. Validated on start (<see cref="AccessGrantOptionsValidator"/>).
/// </summary>
public sealed class AccessGrantOptions
{
    public const string PartnersSection = "Partners";
    public const string AdminsSection = "Authorization:Admins";

    public Dictionary<string, AccessGrant> Partners { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, AccessGrant> Admins { get; set; } = new(StringComparer.Ordinal);

    public AccessGrant? For(string role, string subject) => role switch
    {
        Roles.Partner => Partners.GetValueOrDefault(subject),
        Roles.Admin => Admins.GetValueOrDefault(subject),
        _ => null,
    };
}
