using System.Threading.RateLimiting;
using HealthGateway.Gateway.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>ASP.NET Core rate limiting: 429 problem+json with Retry-After, limits from <see cref="RateLimitOptions"/>.</summary>
public static class RateLimiting
{
    public const string PerCaller = "per-caller";

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(PerCaller, http =>
            {
                var role = http.User.FindFirst("role")?.Value;
                var caller = $"{role}:{http.User.FindFirst("sub")?.Value}";
                // Partners serve many patients each, so they may have their own (usually higher) limit.
                var partner = role == Auth.Roles.Partner;
                return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = partner ? limits.PartnerBurst ?? limits.PerCallerBurst : limits.PerCallerBurst,
                    TokensPerPeriod = partner ? limits.PartnerPerSecond ?? limits.PerCallerPerSecond : limits.PerCallerPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
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

}
