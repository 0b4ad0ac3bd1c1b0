using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HealthGateway.Gateway.Http.OpenApi;

/// <summary>Puts the <see cref="ApiExamples"/> of an endpoint on its request body and success response.</summary>
internal sealed class ApiExampleTransformer(ApiExamples examples) : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var name = context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name is null || !examples.ByEndpoint.TryGetValue(name, out var example)) return Task.CompletedTask;

        if (example.Request is not null && operation.RequestBody?.Content is { } requestContent
            && requestContent.TryGetValue("application/json", out var request))
            request.Example = example.Request.DeepClone();

        if (example.Response is not null && operation.Responses is { } responses
            && responses.TryGetValue(example.ResponseStatus, out var response)
            && response.Content?.Values.FirstOrDefault() is { } body)
            body.Example = example.Response.DeepClone(); // JSON, or the text of a stream
        return Task.CompletedTask;
    }
}
