using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using Microsoft.AspNetCore.Diagnostics;

namespace HealthGateway.Gateway.Api;

/// <summary>A directory outage is the database being away: 503 + Retry-After, like a journal outage.</summary>
public sealed class DirectoryUnavailableHandler(ILogger<DirectoryUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not DirectoryUnavailableException) return false;
        logger.LogWarning(exception.InnerException, "patient directory unavailable");
        await Problems.Create(StatusCodes.Status503ServiceUnavailable, "Directory unavailable",
            "The gateway cannot look up the patient's unit right now. Try again shortly.", 5).ExecuteAsync(httpContext);
        return true;
    }
}
