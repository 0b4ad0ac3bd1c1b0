using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace HealthGateway.Gateway.Http.OpenApi;

/// <summary>
/// One request and response example per endpoint, keyed by endpoint name. Built from the real types with the
/// real serializers, so an example can never drift from what the API accepts and returns. Each feature folder
/// offers its own set; the composition root hands them all over (a singleton), so this plumbing knows no feature.
/// </summary>
public sealed class ApiExamples(IEnumerable<IReadOnlyDictionary<string, ApiExample>> sets)
{
    public IReadOnlyDictionary<string, ApiExample> ByEndpoint { get; } = sets.SelectMany(set => set).ToDictionary();
}

/// <summary>An endpoint's example request (if it has a body) and the example answer for <paramref name="ResponseStatus"/>.</summary>
public sealed record ApiExample(JsonNode? Request, string ResponseStatus, JsonNode? Response)
{
    public static JsonNode? Node<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type);
}
