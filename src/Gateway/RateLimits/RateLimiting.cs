using System.Threading.RateLimiting;
using HealthGateway.Gateway.Http;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>ASP.NET Core rate limiting: 429 problem+json with Retry-After, limits from <see cref="RateLimitOptions"/>.</summary>
public static class RateLimiting
{
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            // The global limiter, not a named policy: policies get ASP.NET Core's partitioned buckets (a timer per
            // caller and a heartbeat over all of them); ours refill lazily (ADR 23). It limits only marked endpoints.
            options.GlobalLimiter = new PerCallerLimiter(limits, TimeProvider.System);
            options.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
                await Problems.Create(StatusCodes.Status429TooManyRequests, "Too many requests",
                    "This caller sent more requests than its limit. Slow down and retry after the given time.",
                    Math.Max(1, retryAfter)).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>Requests to these endpoints count against the caller's limit (<see cref="PerCallerLimiter"/>).</summary>
    public static TBuilder RequirePerCallerLimit<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PerCallerLimit.Instance);
}
