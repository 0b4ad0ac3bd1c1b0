namespace HealthGateway.Gateway.Fhir;

/// <summary>Where FHIR lives and how its URLs are built.</summary>
public static class FhirPaths
{
    public const string Base = "/fhir/r4";

    /// <summary>Where a write's status is polled (FHIR asynchronous pattern): <c>{Base}/_operations/{id}</c>.</summary>
    public const string OperationsSegment = "_operations";

    public static string Operation(string operationId) => $"{Base}/{OperationsSegment}/{operationId}";

    public static bool IsFhir(PathString path) => path.StartsWithSegments("/fhir", StringComparison.OrdinalIgnoreCase);

    /// <summary>The absolute base URL as the caller reached it (Bundle fullUrls and links are absolute).</summary>
    public static string AbsoluteBase(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{Base}";
}
