using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Auth;

/// <summary>A grant with no units, no scopes or a scope name we don't know stops the gateway from starting.</summary>
public sealed class AccessGrantOptionsValidator : IValidateOptions<AccessGrantOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessGrantOptions options)
    {
        var errors = new List<string>();
        Check(AccessGrantOptions.PartnersSection, options.Partners, errors);
        Check(AccessGrantOptions.AdminsSection, options.Admins, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(string section, Dictionary<string, AccessGrant> grants, List<string> errors)
    {
        foreach (var (subject, grant) in grants)
        {
            var at = $"{section}:{subject}";
            if (grant.Units.Length == 0 || grant.Units.Any(string.IsNullOrWhiteSpace))
                errors.Add($"{at}:Units must name at least one unit (and no empty names).");
            if (grant.Scopes.Length == 0)
                errors.Add($"{at}:Scopes must name at least one scope.");
            foreach (var scope in grant.Scopes.Where(s => !Scopes.All.Contains(s)))
                errors.Add($"{at}:Scopes names unknown scope '{scope}' (known: {string.Join(", ", Scopes.All)}).");
        }
    }
}
