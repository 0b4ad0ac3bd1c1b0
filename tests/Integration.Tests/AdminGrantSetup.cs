namespace HealthGateway.Integration.Tests;

/// <summary>Admin grants as configuration (<c>Authorization:Admins:{sub}</c>).</summary>
public static class AdminGrantSetup
{
    public static Dictionary<string, string?> GrantAdmin(this Dictionary<string, string?> settings, string subject, string scopes, params string[] units)
    {
        var names = scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < names.Length; i++) settings[$"Authorization:Admins:{subject}:Scopes:{i}"] = names[i];
        for (var i = 0; i < units.Length; i++) settings[$"Authorization:Admins:{subject}:Units:{i}"] = units[i];
        return settings;
    }
}
