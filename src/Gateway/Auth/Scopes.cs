namespace HealthGateway.Gateway.Auth;

/// <summary>
/// What a partner (or a granted admin) may do with a patient's data. A caller acts within a scope only
/// when its grant in configuration AND its token both name it; scope names not listed here are ignored.
/// </summary>
public static class Scopes
{
    public const string AppointmentsRead = "appointments.read";
    public const string AppointmentsWrite = "appointments.write";
    public const string BillingRead = "billing.read";
    public const string BillingWrite = "billing.write";
    public const string RecordsRead = "records.read";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        AppointmentsRead, AppointmentsWrite, BillingRead, BillingWrite, RecordsRead,
    };

    /// <summary>
    /// The known scopes in a token's space-separated <c>scope</c> claim. A token carrying the claim more
    /// than once (a JSON array) gets none: the format is a single string (RFC 8693 section 4.2).
    /// </summary>
    public static IReadOnlySet<string> FromToken(System.Security.Claims.ClaimsPrincipal user)
    {
        string? value = null;
        foreach (var claim in user.FindAll("scope"))
        {
            if (value is not null) return EmptySet;
            value = claim.Value;
        }
        if (string.IsNullOrWhiteSpace(value)) return EmptySet;
        var known = new HashSet<string>(StringComparer.Ordinal);
        var names = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in names)
            if (All.Contains(name)) known.Add(name);
        known.UnionWith(SmartScopes.ToGatewayScopes(names)); // SMART on FHIR v2 names (docs/fhir.md)
        return known;
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();
}
