using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace HealthGateway.Integration.Tests.Fhir;

/// <summary>
/// Validates what the gateway returns against the R4 base profiles (Firely.Fhir.Validation.R4 with the offline
/// specification.zip). Errors fail the test; warnings (such as codes it cannot check offline) do not.
/// </summary>
public static class FhirValidation
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var resolver = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(resolver, new LocalTerminologyService(resolver));
    });

    private static readonly Lock Gate = new(); // the validator's caches are not meant for concurrent use

    public static void AssertValid(Resource resource)
    {
        OperationOutcome outcome;
        lock (Gate) outcome = Shared.Value.Validate(resource);
        var errors = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
        Assert.True(errors.Count == 0, $"{resource.TypeName}/{resource.Id} is not valid R4:\n{string.Join("\n", errors)}");
        if (resource is Bundle bundle)
            foreach (var entry in bundle.Entry.Where(e => e.Resource is not null))
                AssertValid(entry.Resource!);
    }
}
