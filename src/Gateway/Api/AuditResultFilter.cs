namespace HealthGateway.Gateway.Api;

/// <summary>Records an audited endpoint's result before it is written (503 instead if the audit store failed).</summary>
public sealed class AuditResultFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await PatientAccessFilter.AuditedAsync(context.HttpContext, await next(context));
}
