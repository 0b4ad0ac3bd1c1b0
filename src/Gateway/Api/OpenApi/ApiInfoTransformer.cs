using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>Title, version and the contract summary every caller should read first.</summary>
internal sealed class ApiInfoTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "HealthGateway API",
            Version = "v1",
            Description = """
                Real-time access to patient data held by healthcare units. Every call is routed live to the unit that
                holds the patient.

                * **Reads** answer with the unit's data, `503` + `Retry-After` at once when the unit is offline,
                  `504` when it does not answer in time.
                * **Writes** are durable: a `2xx` means the write is stored. `201`/`200` when the unit applied it within
                  the wait window (`Prefer: wait=N`, `Prefer: respond-async`), else `202` + `Location` of the operation.
                  Send `Idempotency-Key` to retry safely.
                * **Errors** are RFC 9457 `application/problem+json`. `401` bad or missing token, `403` a role or scope that
                  may never call the endpoint, `404` for patients the caller may not see (existence is not revealed),
                  `429` + `Retry-After` when throttled.
                """,
        };
        return Task.CompletedTask;
    }
}
