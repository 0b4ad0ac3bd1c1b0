namespace HealthGateway.Gateway.Api.OpenApi;

/// <summary>The responses every routed read and every durable write can give, described once.</summary>
public static class EndpointDescriptions
{
    public static RouteHandlerBuilder DescribeRoutedRead<T>(this RouteHandlerBuilder endpoint, string name, string summary) =>
        endpoint.WithName(name).WithSummary(summary)
            .Produces<T>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status501NotImplemented)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);

    /// <summary>2xx only once the write is durable; see docs/delivery.md.</summary>
    public static RouteHandlerBuilder DescribeDurableWrite(this RouteHandlerBuilder endpoint, string name, string summary, bool createsResource) =>
        endpoint.WithName(name).WithSummary(summary)
            .WithDescription("""
                Durable: any 2xx means the write is stored and will reach the unit exactly once.
                The unit's outcome within the wait window gives 201/200 (or 422 if it rejected the write);
                otherwise 202 Accepted with Location: /api/v1/operations/{id}.
                """)
            .WithMetadata(DurableWriteMetadata.Instance)
            .Produces<OperationView>(createsResource ? StatusCodes.Status201Created : StatusCodes.Status200OK)
            .Produces<OperationView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}

/// <summary>Marks a durable write, so its OpenAPI operation lists the Idempotency-Key and Prefer headers.</summary>
public sealed class DurableWriteMetadata
{
    public static readonly DurableWriteMetadata Instance = new();
    private DurableWriteMetadata() { }
}
