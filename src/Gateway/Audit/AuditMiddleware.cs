using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.Audit;

/// <summary>
/// Gives each request to an audited endpoint its <see cref="AuditScope"/> and makes sure it is recorded.
/// Endpoint filters record results before they are written (patient data never leaves unaudited);
/// this records what never reached them: 401/403 from the authorization middleware (before the status
/// page body is written; a failed audit turns them into 503), 429 from the rate limiter, body binding
/// failures and exceptions. Runs before authentication so it sees every outcome.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditLog log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedEndpoint>() is null)
        {
            await next(http);
            return;
        }

        var scope = new AuditScope(http, log);
        http.Features.Set(scope);
        try
        {
            await next(http);
        }
        catch (Exception e) when (!scope.Recorded)
        {
            await scope.RecordAsync(e is Routing.DirectoryUnavailableException ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError);
            throw;
        }

        if (scope.Recorded) return;
        if (!await scope.RecordAsync(http.Response.StatusCode) && !http.Response.HasStarted)
            await AuditProblems.Unavailable().ExecuteAsync(http);
    }
}

public static class AuditProblems
{
    public static IResult Unavailable() =>
        Problems.Create(StatusCodes.Status503ServiceUnavailable, "Audit trail unavailable",
            "The access could not be recorded, so it was not carried out. Try again shortly.", 5);
}
