using System.Threading.RateLimiting;
using HealthGateway.Gateway.Http;
using Microsoft.Extensions.Options;

namespace HealthGateway.Gateway.RateLimits;

/// <summary>
/// Writes per unit, all callers together: a flood of writes towards one clinic is refused (429)
/// before it fills that clinic's backlog. Checked once the patient's unit is known.
/// </summary>
public sealed class UnitWriteLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public UnitWriteLimiter(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(unitId => RateLimitPartition.GetTokenBucketLimiter(unitId, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.WritesPerUnitBurst,
                TokensPerPeriod = limits.WritesPerUnitPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Null when the write may go on, else the result to answer (429 + Retry-After).</summary>
    public IResult? TryAcquire(string unitId)
    {
        using var lease = _limiter.AttemptAcquire(unitId);
        if (lease.IsAcquired) return null;
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 1;
        return Problems.Create(StatusCodes.Status429TooManyRequests, "Too many writes for this unit",
            "The healthcare unit receives more writes than its limit. Retry after the given time.", Math.Max(1, retryAfter));
    }

    public void Dispose() => _limiter.Dispose();
}
