using Hl7.Fhir.Model;

namespace HealthGateway.Gateway.Fhir;

/// <summary>A FHIR resource as <c>application/fhir+json</c>, with a status and optionally Location or Content-Location.</summary>
public sealed class FhirResult(Resource resource, int status = StatusCodes.Status200OK, string? location = null, string? contentLocation = null)
    : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => status;

    public Resource Resource => resource;

    public async System.Threading.Tasks.Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.ContentType = FhirJson.MediaType + "; charset=utf-8";
        if (location is not null) response.Headers.Location = location;
        if (contentLocation is not null) response.Headers.ContentLocation = contentLocation;
        if (resource.Meta?.VersionId is { } version) response.Headers.ETag = $"W/\"{version}\"";
        // Straight into the response pipe (buffered in memory until the flush): no stream adapter, no converter lookup.
        await using (var writer = new System.Text.Json.Utf8JsonWriter(response.BodyWriter, FhirJson.WriterOptions)) FhirJson.Serializer.Serialize(resource, writer);
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
