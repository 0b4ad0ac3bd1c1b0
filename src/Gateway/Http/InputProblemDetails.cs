using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.Http;

/// <summary>
/// Kestrel's and the body binder's refusals (413 body too large, 400 unreadable JSON, 408 body too slow) arrive
/// as bare status codes that <c>UseStatusCodePages</c> turns into problem+json; this adds a detail saying what to fix.
/// </summary>
public static class InputProblemDetails
{
    public static IServiceCollection AddInputProblemDetails(this IServiceCollection services)
    {
        services.AddOptions<ProblemDetailsOptions>().Configure<IOptions<GatewayOptions>>((problems, gateway) =>
        {
            var previous = problems.CustomizeProblemDetails; // compose with any other customization
            problems.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                Describe(context, gateway.Value);
            };
        });
        return services;
    }

    private static void Describe(ProblemDetailsContext context, GatewayOptions gateway)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is not null || problem is HttpValidationProblemDetails) return;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status413PayloadTooLarge => $"The request body is larger than the {gateway.MaxRequestBodyBytes} bytes the gateway accepts.",
            StatusCodes.Status400BadRequest when HasBody(context.HttpContext.Request) => "The request body is not valid JSON of the expected shape.",
            StatusCodes.Status408RequestTimeout => "The request body arrived too slowly.",
            _ => null,
        };
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
}
