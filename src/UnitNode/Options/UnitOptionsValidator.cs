using System.Text.RegularExpressions;
using HealthGateway.Protocol;
using Microsoft.Extensions.Options;

namespace HealthGateway.UnitNode.Options;

internal sealed partial class UnitOptionsValidator : IValidateOptions<UnitOptions>
{
    public ValidateOptionsResult Validate(string? name, UnitOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Id))
            failures.Add("Unit:Id is required (e.g. --Unit:Id unit-1).");
        else if (options.Id.Length > ProtocolConstants.MaxIdLength)
            failures.Add($"Unit:Id must be at most {ProtocolConstants.MaxIdLength} characters.");
        // The id names the database file, so it must be a safe file name on every OS.
        else if (!SafeId().IsMatch(options.Id))
            failures.Add($"Unit:Id '{options.Id}' may contain only letters, digits, '.', '_' and '-', starting with a letter or digit.");

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
            failures.Add("Unit:DataDirectory must not be empty.");
        if (options.SeedPatients < 0)
            failures.Add("Unit:SeedPatients must be >= 0.");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeId();
}
