using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>The request headers a durable write understands; they are read by the submitter, not bound, so list them here.</summary>
internal sealed class DurableWriteHeadersTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<DurableWriteMetadata>().Any()) return Task.CompletedTask;

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Idempotency-Key",
            In = ParameterLocation.Header,
            Description = "1 to " + WriteSubmitter.MaxIdempotencyKeyLength + " visible ASCII characters. A retry with the same key and body returns the same operation; "
                          + "the same key with a different body is 409.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = WriteSubmitter.MaxIdempotencyKeyLength },
            Example = "book-2026-12-07-0930",
        });
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "Prefer",
            In = ParameterLocation.Header,
            Description = "`wait=N` (seconds, capped) to wait longer for the unit's outcome, `respond-async` to get 202 at once.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = "wait=5",
        });
        return Task.CompletedTask;
    }
}
