namespace HealthGateway.Gateway.Auth;

/// <summary>
/// A 401 from the authentication challenge is a bare status that <c>UseStatusCodePages</c> turns into problem+json;
/// this gives it the <see cref="TokenRejection"/>'s description as <c>detail</c> (which check failed, or no token).
/// </summary>
public static class TokenProblemDetails
{
    public static IServiceCollection AddTokenProblemDetails(this IServiceCollection services)
    {
        services.AddOptions<ProblemDetailsOptions>().Configure(problems =>
        {
            var previous = problems.CustomizeProblemDetails; // compose with any other customization
            problems.CustomizeProblemDetails = context =>
            {
                previous?.Invoke(context);
                if (context.ProblemDetails is { Status: StatusCodes.Status401Unauthorized, Detail: null } problem)
                    problem.Detail = (context.HttpContext.Features.Get<TokenRejection>() ?? TokenRejection.Missing).Description;
            };
        });
        return services;
    }
}
