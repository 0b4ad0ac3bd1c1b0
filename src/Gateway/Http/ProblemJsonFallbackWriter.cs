using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Http;

/// <summary>
/// Errors are RFC 9457 problem+json for every client. The framework's writer declines when the request's Accept
/// names neither JSON nor <c>*/*</c> (an SSE client sends <c>Accept: text/event-stream</c>) and the error would go out
/// as text/plain; registered after it, this writer takes exactly those cases.
/// </summary>
internal sealed class ProblemJsonFallbackWriter(IOptions<ProblemDetailsOptions> options, IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value); // type stays absent: "about:blank" (RFC 9457)
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? http.TraceIdentifier);
        options.Value.CustomizeProblemDetails?.Invoke(context);

        var typeInfo = json.Value.SerializerOptions.GetTypeInfo(problem.GetType());
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, typeInfo, "application/problem+json", http.RequestAborted));
    }
}

public static class ProblemJsonFallback
{
    /// <summary>After <c>AddProblemDetails</c>: the framework's writer stays first, this one answers the rest.</summary>
    public static IServiceCollection AddProblemJsonFallback(this IServiceCollection services) =>
        services.AddSingleton<IProblemDetailsWriter, ProblemJsonFallbackWriter>();
}
