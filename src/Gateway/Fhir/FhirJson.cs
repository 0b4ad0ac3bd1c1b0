using System.Text.Json;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Hl7.Fhir.Serialization;

namespace HealthGateway.Gateway.Fhir;

/// <summary>FHIR R4 JSON through the Firely SDK's System.Text.Json converters (strict parsing: unknown elements are errors).</summary>
public static class FhirJson
{
    public const string MediaType = "application/fhir+json";

    public static readonly JsonSerializerOptions Options = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static readonly BaseFhirJsonSerializer Serializer = new(ModelInfo.ModelInspector);

    /// <summary>'+' in offsets and '&lt;' in text stay as they are (a JSON API body, never inlined into HTML).</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The body as <typeparamref name="T"/>, or a message saying why it is not one.</summary>
    public static async Task<(T? Resource, string? Error)> ReadAsync<T>(HttpRequest request) where T : Resource
    {
        try
        {
            var resource = await JsonSerializer.DeserializeAsync<Resource>(request.Body, Options, request.HttpContext.RequestAborted);
            return resource is T typed ? (typed, null) : (null, $"The body must be a {typeof(T).Name} resource.");
        }
        catch (DeserializationFailedException e)
        {
            return (null, "The body is not a valid FHIR resource: " + string.Join("; ", e.Exceptions.Take(5).Select(x => x.Message)));
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }
    }
}
