namespace HealthGateway.Bench.Baselines;

/// <summary>The gateway's patient check: a patient token reads only its own id (404 otherwise).</summary>
public sealed class SamePatientFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var patientId = context.HttpContext.GetRouteValue("patientId") as string;
        return string.Equals(context.HttpContext.User.FindFirst("sub")?.Value, patientId, StringComparison.Ordinal)
            ? await next(context)
            : TypedResults.NotFound();
    }
}
