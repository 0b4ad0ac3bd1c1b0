namespace HealthGateway.Gateway.Auth;

/// <summary>
/// SMART on FHIR v2 scopes (<c>{patient|user|system}/{Resource|*}.{cruds}</c>) as the gateway's own scopes. A SMART
/// scope stands for a gateway scope only when it covers everything that scope allows (least privilege):
/// <c>records.read</c> shows allergies, conditions, medications and encounters together, so it needs <c>rs</c> on all
/// four resource types (or <c>*</c>); <c>appointments.write</c> books (create) and moves or cancels (update), so it needs
/// <c>cu</c>. The grant in configuration still names the gateway scope; a patient's own data needs no scope.
/// </summary>
public static class SmartScopes
{
    private static readonly (string Scope, string[] Resources, string Permissions)[] Equivalents =
    [
        (Scopes.AppointmentsRead, ["Appointment"], "rs"),
        (Scopes.AppointmentsWrite, ["Appointment"], "cu"),
        (Scopes.BillingRead, ["Invoice"], "rs"),
        (Scopes.BillingWrite, ["Invoice"], "u"),
        (Scopes.RecordsRead, ["AllergyIntolerance", "Condition", "MedicationStatement", "Encounter"], "rs"),
    ];

    /// <summary>The gateway scopes that the SMART scopes among <paramref name="names"/> add up to.</summary>
    public static IEnumerable<string> ToGatewayScopes(IEnumerable<string> names)
    {
        var granted = new Dictionary<string, HashSet<char>>(StringComparer.Ordinal); // resource type -> permissions
        foreach (var name in names)
        {
            if (!TryParse(name, out var resource, out var permissions)) continue;
            if (!granted.TryGetValue(resource, out var set)) granted[resource] = set = [];
            set.UnionWith(permissions);
        }
        if (granted.Count == 0) yield break;

        foreach (var (scope, resources, needed) in Equivalents)
            if (resources.All(resource => needed.All(p => Allows(granted, resource, p))))
                yield return scope;
    }

    /// <summary>
    /// <c>patient/Appointment.rs</c> -> (Appointment, rs). Any context counts (the role and grant decide whose data);
    /// v2 permissions only, in <c>cruds</c> order, no query suffix (a restricted scope is not widened: it is ignored).
    /// </summary>
    public static bool TryParse(string name, out string resource, out string permissions)
    {
        resource = permissions = "";
        var slash = name.IndexOf('/');
        var dot = name.LastIndexOf('.');
        if (slash <= 0 || dot <= slash + 1 || dot == name.Length - 1) return false;
        if (name[..slash] is not ("patient" or "user" or "system")) return false;
        var perms = name[(dot + 1)..];
        const string order = "cruds";
        var last = -1;
        foreach (var c in perms)
        {
            var at = order.IndexOf(c);
            if (at <= last) return false;
            last = at;
        }
        resource = name[(slash + 1)..dot];
        permissions = perms;
        return resource == "*" || resource.All(char.IsAsciiLetter);
    }

    private static bool Allows(Dictionary<string, HashSet<char>> granted, string resource, char permission) =>
        (granted.TryGetValue(resource, out var set) && set.Contains(permission))
        || (granted.TryGetValue("*", out var any) && any.Contains(permission));
}
