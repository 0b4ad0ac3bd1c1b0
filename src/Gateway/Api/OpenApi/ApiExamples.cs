using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>
/// One request and response example per endpoint, keyed by endpoint name. Built from the real types with the
/// real serializers, so an example can never drift from what the API accepts and returns.
/// </summary>
public static class ApiExamples
{
    public static readonly IReadOnlyDictionary<string, ApiExample> ByEndpoint =
        PatientApiExamples.All.Concat(Ops.OpsApiExamples.All).Concat(Audit.AuditApiExamples.All).Concat(Push.PushApiExamples.All).ToDictionary();
}

/// <summary>An endpoint's example request (if it has a body) and the example answer for <paramref name="ResponseStatus"/>.</summary>
public sealed record ApiExample(JsonNode? Request, string ResponseStatus, JsonNode? Response)
{
    public static JsonNode? Node<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type);
}
