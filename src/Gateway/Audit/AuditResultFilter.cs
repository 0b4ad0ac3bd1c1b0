namespace HealthGateway.Gateway.Audit;

/// <summary>Records an audited endpoint's result before it is written (503 instead if the audit store failed).</summary>
public sealed class AuditResultFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        await AuditedAsync(context.HttpContext, await next(context));

    /// <summary>Records the result's status, then hands the result on; 503 instead when the audit store failed.</summary>
    public static async ValueTask<object?> AuditedAsync(HttpContext http, object? result)
    {
        if (http.Audit() is not { } audit) return result;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        return await audit.RecordAsync(status) ? result : AuditProblems.Unavailable();
    }
}
